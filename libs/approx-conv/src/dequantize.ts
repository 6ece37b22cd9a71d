import { dequantizeTerms, dequantizeWith, type AffineParams, type DequantizeTerms } from '@approx-darts/quantization';
import { codeAt } from './accumulate';
import { channelMultiplier, outputSize, windowSize, type ConvGeometry } from './geometry';

/**
 * Sums of activation codes over each window (padded positions count as `padCode`): per output position for conv2d,
 * per output position and input channel for depthwise. The `s_x m_w SUM q_x` term of the dequantization.
 */
export type WindowSumsFn = (g: ConvGeometry, x: Uint8Array, padCode: number) => Int32Array;

/**
 * The plain-loops WindowSumsFn. Below, the second window covers the last pixel and one padded position.
 * @example referenceWindowSums(geometryFor('conv2d', [1, 1, 2, 1], [1, 2, 1, 1], { strides: 1, dilations: 1, pad: 'same' }), new Uint8Array([1, 2]), 9) // Int32Array.from([3, 11])
 */
export const referenceWindowSums: WindowSumsFn = (g, x, padCode) => {
  const perPosition = g.kind === 'conv2d' ? 1 : g.inChannels;
  const out = new Int32Array(g.batch * g.outHeight * g.outWidth * perPosition);
  for (let n = 0; n < g.batch; n++)
    for (let oh = 0; oh < g.outHeight; oh++)
      for (let ow = 0; ow < g.outWidth; ow++)
        for (let c = 0; c < g.inChannels; c++) {
          let sum = 0;
          for (let kh = 0; kh < g.filterHeight; kh++)
            for (let kw = 0; kw < g.filterWidth; kw++)
              sum += codeAt(g, x, n, oh * g.strideHeight - g.padTop + kh * g.dilationHeight, ow * g.strideWidth - g.padLeft + kw * g.dilationWidth, c, padCode);
          const pos = (n * g.outHeight + oh) * g.outWidth + ow;
          const at = g.kind === 'conv2d' ? pos : pos * g.inChannels + c;
          out[at] = (out[at] as number) + sum;
        }
  return out;
};

/**
 * Sum of weight codes per output channel (both filter layouts keep the output channel innermost).
 * @example filterCodeSums(geometryFor('conv2d', [1, 1, 1, 2], [1, 1, 2, 2], { strides: 1, dilations: 1, pad: 'valid' }), new Uint8Array([1, 2, 3, 4])) // Int32Array.from([4, 6])
 */
export const filterCodeSums = (g: ConvGeometry, w: Uint8Array): Int32Array => {
  const sums = new Int32Array(g.outChannels);
  for (let i = 0; i < w.length; i++) sums[i % g.outChannels] = (sums[i % g.outChannels] as number) + (w[i] as number);
  return sums;
};

/**
 * The dequantization of every output (SPEC.md step 7 of @approx-darts/quantization):
 * `y = ((sx*sw)*A + (sx*mw)*Qx) + ((sw*mx)*Qw + (K*mx)*mw)` in binary32, each operation rounded on its own, with one
 * weight map per output channel (the same map repeated when quantized per tensor). The per-channel factors are
 * computed once per channel; that shares work, not rounding. Below, one product of codes 2 and 3 (values 2 and 5).
 * @example
 * const g = geometryFor('conv2d', [1, 1, 1, 1], [1, 1, 1, 1], { strides: 1, dilations: 1, pad: 'valid' });
 * dequantizeAccumulations(g, Int32Array.of(6), Int32Array.of(2), Int32Array.of(3), { scale: 0.5, min: 1 }, [{ scale: 2, min: -1 }]) // Float32Array.from([10])
 */
export const dequantizeAccumulations = (
  g: ConvGeometry,
  acc: Int32Array,
  xSums: Int32Array,
  wSums: Int32Array,
  x: AffineParams,
  w: readonly AffineParams[],
  out = new Float32Array(outputSize(g)),
): Float32Array => {
  const k = windowSize(g);
  const mult = channelMultiplier(g);
  const oc = g.outChannels;
  const terms = Array.from({ length: oc }, (_, co) => dequantizeTerms(x, w[co] ?? (w[0] as AffineParams), wSums[co] as number, k));
  for (let i = 0; i < out.length; i++) {
    const co = i % oc;
    const pos = (i - co) / oc;
    const sx = g.kind === 'conv2d' ? (xSums[pos] as number) : (xSums[pos * g.inChannels + ((co / mult) | 0)] as number);
    out[i] = dequantizeWith(terms[co] as DequantizeTerms, acc[i] as number, sx);
  }
  return out;
};
