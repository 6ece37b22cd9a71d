import type { ConvGeometry } from '@approx-darts/approx-conv';
import { isRight } from 'fp-ts/Either';
import { LutPathState, type CpuNativeAddon, type LutPathRequest } from './native';
import type { DequantizeFactors } from './approx';

/** Table accumulations and window code sums of one approximate convolution (libs/kernels/src/fast-accumulate.ts's shape). */
export interface NativeAccumulated {
  readonly accumulations: Int32Array;
  readonly windowSums: Int32Array;
}

const geometryArray = (g: ConvGeometry): Int32Array =>
  Int32Array.from([
    g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.outChannels, g.filterHeight, g.filterWidth,
    g.strideHeight, g.strideWidth, g.dilationHeight, g.dilationWidth, g.padTop, g.padLeft, g.kind === 'depthwise' ? 1 : 0,
  ]);

/** The LUT accumulation on all cores (src/native/lut_accumulate.cc), bit for bit libs/approx-conv's referenceAccumulate. */
export const nativeLutAccumulate = (addon: CpuNativeAddon, g: ConvGeometry, x: Uint8Array, w: Uint8Array, padCode: number, table: Uint16Array): NativeAccumulated => {
  const positions = g.batch * g.outHeight * g.outWidth;
  const accumulations = new Int32Array(positions * g.outChannels);
  const windowSums = new Int32Array(positions * (g.kind === 'depthwise' ? g.inChannels : 1));
  addon.lutAccumulate(geometryArray(g), x, w, padCode, table, accumulations, windowSums);
  return { accumulations, windowSums };
};

/**
 * The LUT accumulation and libs/approx-conv's dequantizeAccumulations (with the factors it computes) in one pass:
 * the float outputs, bit for bit, without the integer accumulations ever in memory.
 */
export const nativeLutConvolve = (
  addon: CpuNativeAddon,
  g: ConvGeometry,
  x: Uint8Array,
  w: Uint8Array,
  padCode: number,
  table: Uint16Array,
  f: DequantizeFactors,
  into: (n: number) => Float32Array = (n) => new Float32Array(n),
): Float32Array => {
  const out = into(g.batch * g.outHeight * g.outWidth * g.outChannels);
  addon.lutConvolve(geometryArray(g), x, w, padCode, table, f.accScale, f.sumXScale, f.constant, out);
  return out;
};

/**
 * The LUT accumulation's path (gathers, or AVX-512 VBMI byte shuffles: src/native/lut_path.h) in force and why; with a
 * request, sets it first (for this process; the start value comes from APPROX_DARTS_LUT_PATH).
 */
export const nativeLutPath = (addon: CpuNativeAddon, request?: LutPathRequest): LutPathState => {
  const state = LutPathState.decode(addon.lutPath(request));
  if (!isRight(state)) throw new Error('the addon returned a malformed LUT path');
  return state.right;
};
