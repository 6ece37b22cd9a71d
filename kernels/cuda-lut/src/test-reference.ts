// Reference for the tests: the specification in approx-conv (accumulation) and quantization (codes, dequantization;
// libs/quantization/SPEC.md), which the fused kernels must match bit for bit.
import { approxConvolve } from '@approx-darts/approx-conv';
import type { QuantOptions } from './fused';
import type { ConvGeometry } from './geometry';

/** The specification itself: approx-conv's reference accumulation. */
export { referenceAccumulate as referenceAccumulation } from '@approx-darts/approx-conv';

/**
 * What `cudaApproxConv` must return for the same operands, bit for bit: the reference approximate convolution with the
 * same quantization (ranges from the operands, or a recorded input range).
 */
export const referenceFused = (g: ConvGeometry, x: Float32Array, w: Float32Array, table: Uint16Array, o: QuantOptions): Float32Array =>
  approxConvolve(g, x, w, table, {
    mode: o.quantization ?? 'asymmetric',
    perChannelWeights: o.perChannelWeights === true,
    inputRange: o.inputRange === undefined ? undefined : { min: o.inputRange[0], max: o.inputRange[1] },
  }).output;

/** Small NHWC geometry with the output size of SAME-style padding for the given options. */
export const smallGeometry = (o: {
  readonly kind: 'conv2d' | 'depthwise';
  readonly batch: number; readonly size: number; readonly inC: number; readonly outC: number;
  readonly k: number; readonly stride: number; readonly dilation: number; readonly pad: number;
}): ConvGeometry => {
  const span = (o.k - 1) * o.dilation + 1;
  const out = Math.floor((o.size + 2 * o.pad - span) / o.stride) + 1;
  return {
    kind: o.kind, batch: o.batch, inHeight: o.size, inWidth: o.size, inChannels: o.inC,
    filterHeight: o.k, filterWidth: o.k, outChannels: o.outC,
    strideHeight: o.stride, strideWidth: o.stride, dilationHeight: o.dilation, dilationWidth: o.dilation,
    padTop: o.pad, padLeft: o.pad, outHeight: out, outWidth: out,
  };
};
