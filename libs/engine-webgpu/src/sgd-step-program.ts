import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

const workgroup = 256;

const elementwise = (size: number, names: string[], key: string, body: string): WebGPUProgram => ({
  variableNames: names,
  outputShape: [size],
  dispatchLayout: { x: [0] },
  dispatch: [Math.ceil(size / workgroup), 1, 1],
  workgroupSize: [workgroup, 1, 1],
  size: true,
  uniforms: 'lr : f32, momentum : f32, weightDecay : f32,',
  shaderKey: key,
  getUserCode: () => `
  fn main(index : i32) {
    if (index < uniforms.size) {
      ${body}
    }
  }
`,
});

/** `SgdStep`'s momentum buffer of one variable: buf = m * buf + (g + wd * w). */
export const sgdBufferProgram = (size: number): WebGPUProgram =>
  elementwise(size, ['w', 'g', 'buf'], 'approxSgdBuffer', 'result[index] = buf[index] * uniforms.momentum + (g[index] + w[index] * uniforms.weightDecay);');

/** `SgdStep`'s variable: w - lr * d, d = the new buffer (nesterov: g + wd * w + m * buffer), or g + wd * w without momentum. */
export const sgdWeightProgram = (size: number, update: 'plain' | 'momentum' | 'nesterov'): WebGPUProgram =>
  elementwise(
    size,
    update === 'plain' ? ['w', 'g'] : ['w', 'g', 'buf'],
    `approxSgdWeight_${update}`,
    `let d0 = g[index] + w[index] * uniforms.weightDecay;
      let d = ${update === 'plain' ? 'd0' : update === 'momentum' ? 'buf[index]' : 'd0 + buf[index] * uniforms.momentum'};
      result[index] = w[index] - d * uniforms.lr;`,
  );
