import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { ReluBackward } from '@approx-darts/kernels';
import type { GpuBackend } from './gpu-backend';

const workgroup = 256;

/** `dy * step(x)`, NaN where x is NaN (tfjs's STEP snippet), one thread per element. */
const reluBackwardProgram = (size: number): WebGPUProgram => ({
  variableNames: ['dy', 'x'],
  outputShape: [size],
  dispatchLayout: { x: [0] },
  dispatch: [Math.ceil(size / workgroup), 1, 1],
  workgroupSize: [workgroup, 1, 1],
  size: true,
  shaderKey: 'approxReluBackward',
  getUserCode: () => `
  fn main(index : i32) {
    if (index < uniforms.size) {
      let v = x[index];
      if (isnan(v)) {
        result[index] = v;
      } else {
        result[index] = dy[index] * select(0.0, 1.0, v > 0.0);
      }
    }
  }
`,
});

/** `ReluBackward` on webgpu: one program where tfjs-core's gradient dispatched two (Step, Multiply). */
export const reluBackwardWebgpuConfig: KernelConfig = {
  kernelName: ReluBackward,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend }) => {
    const { dy, x } = inputs as Record<'dy' | 'x', TensorInfo>;
    const size = x.shape.reduce((a, b) => a * b, 1);
    const out = (backend as unknown as GpuBackend).runWebGPUProgram(reluBackwardProgram(size), [{ ...dy, shape: [size] }, { ...x, shape: [size] }], 'float32');
    return { ...out, shape: [...x.shape] };
  },
};
