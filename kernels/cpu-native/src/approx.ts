import type { ConvGeometry } from '@approx-darts/approx-conv';
import type { CpuNativeAddon } from './native';

/** Per output channel: the factors of libs/quantization's dequantizeTerms (binary32), as lut.ts's nativeLutConvolve takes them. */
export interface DequantizeFactors {
  readonly accScale: Float32Array;
  readonly sumXScale: Float32Array;
  readonly constant: Float32Array;
}

/** The input's codes decoded through `table` (256 values) into a `fill`-padded NHWC array of the padded size (every element written). */
export const nativeDecodePadded = (
  addon: CpuNativeAddon,
  g: ConvGeometry,
  codes: Uint8Array,
  table: Float32Array,
  fill: number,
  padded: { readonly height: number; readonly width: number },
  into: (n: number) => Float32Array = (n) => new Float32Array(n),
): Float32Array => {
  const out = into(g.batch * padded.height * padded.width * g.inChannels);
  addon.decodePadded(Int32Array.of(g.batch, g.inHeight, g.inWidth, g.inChannels, g.padTop, g.padLeft, padded.height, padded.width), codes, table, fill, out);
  return out;
};

/** libs/quantization's quantizeInto on the addon: `thresholds` is its thresholdTable. */
export const nativeQuantize = (
  addon: CpuNativeAddon,
  values: Float32Array,
  thresholds: Float64Array,
  into: (n: number) => Uint8Array = (n) => new Uint8Array(n),
): Uint8Array => {
  const out = into(values.length);
  addon.quantize(values, thresholds, out);
  return out;
};

/** The least and greatest non-NaN values (libs/quantization's rangeOf loop, zero signs included); +/-Infinity without any. */
export const nativeValueRange = (addon: CpuNativeAddon, values: Float32Array): { readonly min: number; readonly max: number } => {
  const out = new Float32Array(2);
  addon.valueRange(values, out);
  return { min: out[0] as number, max: out[1] as number };
};
