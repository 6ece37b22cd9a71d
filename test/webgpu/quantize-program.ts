import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { QuantMode } from '@approx-darts/quantization';
import { affineWgsl } from '@approx-darts/engine-webgpu';

/**
 * Float tensor -> int32 codes 0..255 under the range of its channel (`bounds` is `[channels, 2]`,
 * channel = flat index % channels; 1 channel = per tensor). One thread per element. Test support: the engine never
 * stores codes (the LUT and decode programs quantize as they read, libs/engine-webgpu/src/lut-conv-program.ts), so
 * this program exists to read the WGSL quantizer's codes out and compare them with the specification's.
 */
export const quantizeProgram = (shape: readonly number[], mode: QuantMode): WebGPUProgram => {
  const size = shape.reduce((a, b) => a * b, 1);
  const workgroup = 256;
  return {
    variableNames: ['values', 'bounds'],
    outputShape: [size],
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(size / workgroup), 1, 1],
    workgroupSize: [workgroup, 1, 1],
    size: true,
    shaderKey: `approxQuantize_${mode}`,
    getUserCode: () => `
  ${affineWgsl(mode)}
  fn main(index : i32) {
    if (index < uniforms.size) {
      let c = index % uniforms.boundsShape.x;
      let p = affineOf(bounds[c * 2], bounds[c * 2 + 1]);
      result[index] = quantizeCode(values[index], p);
    }
  }
`,
  };
};
