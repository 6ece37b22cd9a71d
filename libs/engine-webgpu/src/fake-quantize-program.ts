import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { QuantMode } from '@approx-darts/quantization';
import { affineWgsl } from './quantize-wgsl';

const workgroup = 256;

/**
 * `FakeQuantize8` in WGSL: each element decoded from its code under the range of its channel (`bounds` `[channels, 2]`,
 * channel = flat index % channels), SPEC.md steps 1-5 of @approx-darts/quantization. One thread per element.
 * @example fakeQuantizeProgram([3, 3, 16, 32], 'symmetric') // a filter, with per-tensor or per-output-channel bounds
 */
export const fakeQuantizeProgram = (shape: readonly number[], mode: QuantMode): WebGPUProgram => {
  const outputShape = shape.length === 0 ? [1] : [...shape];
  const size = outputShape.reduce((a, b) => a * b, 1);
  return {
    variableNames: ['values', 'bounds'],
    outputShape,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(size / workgroup), 1, 1],
    workgroupSize: [workgroup, 1, 1],
    size: true,
    shaderKey: `approxFakeQuantize_${mode}`,
    getUserCode: () => `
  ${affineWgsl(mode)}
  fn main(index : i32) {
    if (index < uniforms.size) {
      let c = index % uniforms.boundsShape.x;
      let p = affineOf(bounds[c * 2], bounds[c * 2 + 1]);
      result[index] = decodeCode(quantizeCode(values[index], p), p);
    }
  }
`,
  };
};
