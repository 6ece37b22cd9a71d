import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { paddingAfter, type ConvGeometry } from '@approx-darts/approx-conv';
import type { QuantMode } from '@approx-darts/quantization';
import { affineWgsl } from './quantize-wgsl';

const workgroup = 256;

/** The padded shape of a convolution's input: its explicit padding added (exact-conv.ts's paddingOf). */
export const paddedShape = (g: ConvGeometry): [number, number, number, number] => {
  const after = paddingAfter(g);
  return [g.batch, g.inHeight + g.padTop + after.bottom, g.inWidth + g.padLeft + after.right, g.inChannels];
};

/**
 * The straight-through gradient's input operand (kernel-names.ts, output `xq`): every activation quantized and decoded
 * under the `[1, 2]` range `bounds` (the codes the forward pass used), placed inside the padding, and the decoded code
 * of 0.0 on the padding. One thread per padded element.
 */
export const paddedDecodeProgram = (g: ConvGeometry, mode: QuantMode): WebGPUProgram => {
  const shape = paddedShape(g);
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    variableNames: ['values', 'bounds'],
    outputShape: [size],
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(size / workgroup), 1, 1],
    workgroupSize: [workgroup, 1, 1],
    size: true,
    uniforms: 'inHeight : i32, inWidth : i32, channels : i32, height : i32, width : i32, padTop : i32, padLeft : i32,',
    shaderKey: `approxPaddedDecode_${mode}`,
    getUserCode: () => `
  ${affineWgsl(mode)}
  fn main(index : i32) {
    if (index < uniforms.size) {
      let p = affineOf(bounds[0], bounds[1]);
      let c = index % uniforms.channels;
      let x = (index / uniforms.channels) % uniforms.width - uniforms.padLeft;
      let y = (index / (uniforms.channels * uniforms.width)) % uniforms.height - uniforms.padTop;
      let n = index / (uniforms.channels * uniforms.width * uniforms.height);
      var q = quantizeCode(0.0, p);
      if (y >= 0 && y < uniforms.inHeight && x >= 0 && x < uniforms.inWidth) {
        q = quantizeCode(values[((n * uniforms.inHeight + y) * uniforms.inWidth + x) * uniforms.channels + c], p);
      }
      result[index] = decodeCode(q, p);
    }
  }
`,
  };
};

/** The uniform values `paddedDecodeProgram` declares, in order. */
export const paddedDecodeUniforms = (g: ConvGeometry): { type: string; data: number[] }[] => {
  const [, height, width] = paddedShape(g);
  return [g.inHeight, g.inWidth, g.inChannels, height, width, g.padTop, g.padLeft].map((v) => ({ type: 'int32', data: [v] }));
};
