import type { ConvGeometry } from '@approx-darts/approx-conv';
import type { CpuNativeAddon } from './native';

/** Per output channel: the factors of libs/quantization's dequantizeTerms (binary32). */
export interface DequantizeFactors {
  readonly accScale: Float32Array;
  readonly sumXScale: Float32Array;
  readonly constant: Float32Array;
}

/** libs/approx-conv's dequantizeAccumulations on the addon (src/native/approx_host.cc), bit for bit. */
export const nativeDequantize = (
  addon: CpuNativeAddon,
  g: ConvGeometry,
  acc: Int32Array,
  windowSums: Int32Array,
  f: DequantizeFactors,
  into: (n: number) => Float32Array = (n) => new Float32Array(n),
): Float32Array => {
  const positions = g.batch * g.outHeight * g.outWidth;
  const out = into(positions * g.outChannels);
  const depthwise = g.kind === 'depthwise';
  const dims = Int32Array.of(positions, g.outChannels, depthwise ? g.inChannels : 0, depthwise ? g.outChannels / g.inChannels : 1);
  addon.dequantize(dims, acc, windowSums, f.accScale, f.sumXScale, f.constant, out);
  return out;
};

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

/** libs/quantization's quantizeInto on the addon: `thresholds` is its thresholdTable, `origin` the map's min. */
export const nativeQuantize = (
  addon: CpuNativeAddon,
  values: Float32Array,
  thresholds: Float64Array,
  origin: number,
  inverse: number,
  into: (n: number) => Uint8Array = (n) => new Uint8Array(n),
): Uint8Array => {
  const out = into(values.length);
  addon.quantize(values, thresholds, origin, inverse, out);
  return out;
};
