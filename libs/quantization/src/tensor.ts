import { affineFor, codeIn, dequantizeValue, thresholdTable, type AffineParams } from './affine';
import { rangeOf, type QuantMode, type QuantRange } from './range';

/**
 * Codes of a whole tensor under one affine map, written into `out` (allocated when absent). Equal to `quantizeValue`
 * element by element.
 * @example quantizeInto({ scale: 1, min: 0 }, new Float32Array([0.4, 2.6])) // Uint8Array.from([0, 3])
 */
export const quantizeInto = (p: AffineParams, values: ArrayLike<number>, out = new Uint8Array(values.length)): Uint8Array => {
  const t = thresholdTable(p);
  const inverse = 1 / p.scale;
  for (let i = 0; i < values.length; i++) out[i] = codeIn(t, p.min, inverse, values[i] as number);
  return out;
};

/**
 * Values of a tensor of codes (binary32, SPEC.md step 5).
 * @example dequantizeCodes({ scale: 0.5, min: 1 }, new Uint8Array([0, 2])) // Float32Array.from([1, 2])
 */
export const dequantizeCodes = (p: AffineParams, codes: ArrayLike<number>): Float32Array =>
  Float32Array.from({ length: codes.length }, (_, i) => dequantizeValue(p, codes[i] as number));

/** A tensor quantized per tensor, with the map that decodes it. */
export interface QuantizedTensor {
  readonly codes: Uint8Array;
  readonly params: AffineParams;
}

/**
 * Quantize per tensor, over a given range or the data's own.
 * @example quantizeTensor(new Float32Array([-1, 0, 1]), 'symmetric').codes // Uint8Array.from([1, 128, 255])
 */
export const quantizeTensor = (values: ArrayLike<number>, mode: QuantMode, range: QuantRange = rangeOf(values)): QuantizedTensor => {
  const params = affineFor(range, mode);
  return { codes: quantizeInto(params, values), params };
};

/** A tensor quantized per channel of its last axis (a weight's output channel). */
export interface ChannelQuantizedTensor {
  readonly codes: Uint8Array;
  readonly params: readonly AffineParams[];
}

/**
 * Quantize with one map per channel of the innermost axis (`channel = index % channels`): per output channel for
 * HWIO conv filters and for depthwise filters `[fh, fw, inC, mult]` (channel `c * mult + m`).
 * @example quantizePerChannel(new Float32Array([0, 10, 1, 20]), 2, 'asymmetric').params.map(p => p.min) // [0, 10]
 */
export const quantizePerChannel = (values: ArrayLike<number>, channels: number, mode: QuantMode): ChannelQuantizedTensor => {
  const params = Array.from({ length: channels }, (_, c) => affineFor(rangeOf(values, c, values.length, channels), mode));
  const codes = new Uint8Array(values.length);
  for (let c = 0; c < channels; c++) {
    const p = params[c] as AffineParams;
    const [t, inverse] = [thresholdTable(p), 1 / p.scale];
    for (let i = c; i < values.length; i += channels) codes[i] = codeIn(t, p.min, inverse, values[i] as number);
  }
  return { codes, params };
};

/**
 * Quantize weights per tensor or per output channel; either way, one map per channel comes back (shared when per tensor),
 * so the dequantization reads `params[channel]` without branching.
 * @example quantizeWeights(new Float32Array([0, 1]), 2, 'asymmetric', false).params.length // 2
 */
export const quantizeWeights = (values: ArrayLike<number>, channels: number, mode: QuantMode, perChannel: boolean): ChannelQuantizedTensor => {
  if (perChannel) return quantizePerChannel(values, channels, mode);
  const { codes, params } = quantizeTensor(values, mode);
  return { codes, params: Array.from({ length: channels }, () => params) };
};

/**
 * Fake quantization (SPEC.md step 5 after step 4) of a tensor whose innermost `params.length` elements each have their
 * own map (`channel = index % params.length`; one map = per tensor), into `out`. What the FakeQuantize kernels compute.
 * @example fakeQuantizeInto([{ scale: 0.5, min: 0 }], [0.8, 0.2]) // Float32Array.from([1, 0])
 */
export const fakeQuantizeInto = (params: readonly AffineParams[], values: ArrayLike<number>, out = new Float32Array(values.length)): Float32Array => {
  const channels = params.length;
  const decoded = params.map((p) => Float32Array.from({ length: 256 }, (_, q) => dequantizeValue(p, q)));
  const tables = params.map(thresholdTable);
  for (let c = 0; c < channels; c++) {
    const p = params[c] as AffineParams;
    const [t, d, inverse] = [tables[c] as Float64Array, decoded[c] as Float32Array, 1 / p.scale];
    for (let i = c; i < values.length; i += channels) out[i] = d[codeIn(t, p.min, inverse, values[i] as number)] as number;
  }
  return out;
};
