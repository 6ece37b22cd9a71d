import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { GpuBackend } from './gpu-backend';

// tfjs's forward AvgPool divides each window by the input pixels it really covers (padding excluded, as DARTS's
// count_include_pad=False), but tfjs-backend-webgpu's AvgPoolGrad, like tfjs-backend-cpu's, divides by the whole
// filter area, so 'same' borders get gradients up to 9/4 too small. The cpu engine's replacement
// (libs/engine-cpu/src/avg-pool-grad.ts) is the true adjoint; this is the same on the GPU:
// dx[p] = sum over the windows w covering p of dy[w] / count(w). One thread per input element.

const program = (info: tf.backend_util.Conv2DInfo): WebGPUProgram => ({
  variableNames: ['dy'],
  outputShape: info.inShape,
  dispatchLayout: { x: [0, 1, 2, 3] },
  dispatch: [Math.ceil(info.inShape.reduce((a, b) => a * b, 1) / 64), 1, 1],
  workgroupSize: [64, 1, 1],
  size: true,
  uniforms: 'strides : vec2<i32>, pads : vec2<i32>, kernel : vec2<i32>,',
  shaderKey: 'approxDartsAvgPoolGrad',
  getUserCode: () => `
  // Windows covering input position x along one axis: [lo, hi).
  fn covering(x : i32, stride : i32, pad : i32, size : i32, outSize : i32) -> vec2<i32> {
    let first = x + pad - size + 1;
    let lo = select(0, (first + stride - 1) / stride, first > 0);
    return vec2<i32>(lo, min(outSize, (x + pad) / stride + 1));
  }

  // Real input pixels under window o along one axis.
  fn covered(o : i32, stride : i32, pad : i32, size : i32, inSize : i32) -> i32 {
    let corner = o * stride - pad;
    return min(inSize, corner + size) - max(0, corner);
  }

  fn main(index : i32) {
    if (index < uniforms.size) {
      let p = getCoordsFromIndex(index);
      let rows = covering(p.y, uniforms.strides.x, uniforms.pads.x, uniforms.kernel.x, uniforms.dyShape.y);
      let cols = covering(p.z, uniforms.strides.y, uniforms.pads.y, uniforms.kernel.y, uniforms.dyShape.z);
      var acc = 0.0;
      for (var oy = rows.x; oy < rows.y; oy = oy + 1) {
        let h = covered(oy, uniforms.strides.x, uniforms.pads.x, uniforms.kernel.x, uniforms.outShape.y);
        for (var ox = cols.x; ox < cols.y; ox = ox + 1) {
          let w = covered(ox, uniforms.strides.y, uniforms.pads.y, uniforms.kernel.y, uniforms.outShape.z);
          acc = acc + dy[((p.x * uniforms.dyShape.y + oy) * uniforms.dyShape.z + ox) * uniforms.dyShape.w + p.w] / f32(h * w);
        }
      }
      setOutputAtIndex(index, acc);
    }
  }
`,
});

/** `AvgPoolGrad` on the `webgpu` engine: the adjoint of tfjs's AvgPool, as on the cpu engine. */
export const avgPoolGradWebgpuConfig: KernelConfig = {
  kernelName: tf.AvgPoolGrad,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
    const { filterSize, strides, pad } = attrs as unknown as tf.AvgPoolGradAttrs;
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad);
    const uniforms = [
      { type: 'int32', data: [info.strideHeight, info.strideWidth] },
      { type: 'int32', data: [info.padInfo.top, info.padInfo.left] },
      { type: 'int32', data: [info.filterHeight, info.filterWidth] },
    ];
    return (backend as unknown as GpuBackend).runWebGPUProgram(program(info), [dy], 'float32', uniforms);
  },
};
