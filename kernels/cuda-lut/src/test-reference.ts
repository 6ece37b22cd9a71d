// Plain reference for the tests: the accumulation is the specification in approx-conv; the quantization
// here is written as directly as possible, to compare the fused GPU kernels against.
import type { ConvGeometry } from './geometry';

/** The specification itself: approx-conv's reference accumulation. */
export { referenceAccumulate as referenceAccumulation } from '@approx-darts/approx-conv';

/** Per-tensor asymmetric fake quantization (DESIGN §3) of `v` into codes, and its {scale, lo}. */
export const quantizeTensor = (v: Float32Array): { readonly codes: Uint8Array; readonly scale: number; readonly lo: number } => {
  const lo = v.reduce((a, b) => Math.min(a, b), Infinity);
  const hi = v.reduce((a, b) => Math.max(a, b), -Infinity);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  return { codes: Uint8Array.from(v, (e) => Math.min(255, Math.max(0, Math.round((e - lo) / scale)))), scale, lo };
};

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
