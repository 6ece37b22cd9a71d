import type { ConvGeometry } from '@approx-darts/approx-conv';
import type { CpuNativeAddon } from './native';

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
export const nativeLutAccumulate = (
  addon: CpuNativeAddon,
  g: ConvGeometry,
  x: Uint8Array,
  w: Uint8Array,
  padCode: number,
  table: Uint16Array,
  into: (name: 'accumulations' | 'windowSums', n: number) => Int32Array = (_, n) => new Int32Array(n),
): NativeAccumulated => {
  const positions = g.batch * g.outHeight * g.outWidth;
  // both written in full by the addon (it zeroes each position before accumulating)
  const accumulations = into('accumulations', positions * g.outChannels);
  const windowSums = into('windowSums', positions * (g.kind === 'depthwise' ? g.inChannels : 1));
  addon.lutAccumulate(geometryArray(g), x, w, padCode, table, accumulations, windowSums);
  return { accumulations, windowSums };
};
