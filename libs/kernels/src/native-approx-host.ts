import { paddingAfter, windowSize, type ConvGeometry } from '@approx-darts/approx-conv';
import { codeOf, dequantizeTerms, dequantizeValue, f32, thresholdTable, type AffineParams, type QuantRange } from '@approx-darts/quantization';
import { loadCpuNative, nativeDecodePadded, nativeLutConvolve, nativeQuantize, nativeValueRange } from '@approx-darts/cpu-native';
import { outputFloat32 } from './output-pool';
import { scratchUint8 } from './kernel-scratch';

// The float ends of ../approx-conv-host.ts on the native addon when it is built (undefined otherwise, and the host
// kernel runs its TypeScript loops): the per-channel factors are computed here with libs/quantization's own
// functions, the per-element work in C++ (kernels/cpu-native/src/native/approx_host.cc) in the same binary32 steps.

/**
 * The approximate convolution's outputs from its codes on the addon, or undefined without it: libs/approx-conv's
 * accumulate and dequantizeAccumulations in one native pass (kernels/cpu-native's lutConvolve), bit for bit.
 */
export const nativeApproxConvolve = (
  g: ConvGeometry,
  xCodes: Uint8Array,
  wCodes: Uint8Array,
  padCode: number,
  table: Uint16Array,
  wSums: Int32Array,
  x: AffineParams,
  w: readonly AffineParams[],
): Float32Array | undefined => {
  const loaded = loadCpuNative();
  if (!loaded.ok) return undefined;
  const k = windowSize(g);
  const terms = Array.from({ length: g.outChannels }, (_, co) => dequantizeTerms(x, w[co] ?? (w[0] as AffineParams), wSums[co] as number, k));
  const factors = {
    accScale: Float32Array.from(terms, (t) => t.accScale),
    sumXScale: Float32Array.from(terms, (t) => t.sumXScale),
    constant: Float32Array.from(terms, (t) => t.constant),
  };
  return nativeLutConvolve(loaded.addon, g, xCodes, wCodes, padCode, table, factors, outputFloat32);
};

/** The fake-quantized input padded with the fake-quantized 0.0 (approx-conv-host.ts's paddedFakeQuantized), or undefined. */
export const nativePaddedFakeQuantized = (g: ConvGeometry, xCodes: Uint8Array, xParams: AffineParams): { readonly shape: number[]; readonly values: Float32Array } | undefined => {
  const loaded = loadCpuNative();
  if (!loaded.ok) return undefined;
  const after = paddingAfter(g);
  const padded = { height: g.inHeight + g.padTop + after.bottom, width: g.inWidth + g.padLeft + after.right };
  const table = Float32Array.from({ length: 256 }, (_, q) => dequantizeValue(xParams, q));
  const values = nativeDecodePadded(loaded.addon, g, xCodes, table, dequantizeValue(xParams, codeOf(xParams)), padded, outputFloat32);
  return { shape: [g.batch, padded.height, padded.width, g.inChannels], values };
};

/**
 * libs/quantization's quantizeInto on the addon (the same threshold table decides every code), or undefined. With
 * `scratch`, the codes live in that kernel-scratch.ts buffer: valid until the next call under the same name.
 */
export const nativeQuantizeInto = (p: AffineParams, values: Float32Array, scratch?: string): Uint8Array | undefined => {
  const loaded = loadCpuNative();
  const into = scratch === undefined ? undefined : (n: number) => scratchUint8(scratch, n);
  return loaded.ok ? nativeQuantize(loaded.addon, values, thresholdTable(p), into) : undefined;
};

/** libs/quantization's rangeOf over a whole array on the addon (a vector pass, the same result to the sign of a zero), or undefined. */
export const nativeRangeOf = (values: Float32Array): QuantRange | undefined => {
  const loaded = loadCpuNative();
  if (!loaded.ok) return undefined;
  const { min, max } = nativeValueRange(loaded.addon, values);
  return min <= max ? { min: f32(min), max: f32(max) } : { min: 0, max: 0 };
};
