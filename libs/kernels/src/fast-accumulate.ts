import type { AccumulateFn, ConvGeometry } from '@approx-darts/approx-conv';
import { int32Products } from './table-registry';

// The cpu engine's hot loops. Padding is materialized once (a padded copy of the codes filled with padCode) so the
// inner loops carry no bounds checks; every loop walks memory in order (NHWC / HWIO keep channels innermost).

interface Padded {
  readonly codes: Uint8Array;
  readonly height: number;
  readonly width: number;
}

const padCodes = (g: ConvGeometry, x: Uint8Array, padCode: number): Padded => {
  const height = Math.max(g.inHeight + g.padTop, (g.outHeight - 1) * g.strideHeight + (g.filterHeight - 1) * g.dilationHeight + 1);
  const width = Math.max(g.inWidth + g.padLeft, (g.outWidth - 1) * g.strideWidth + (g.filterWidth - 1) * g.dilationWidth + 1);
  if (height === g.inHeight && width === g.inWidth) return { codes: x, height, width };
  const c = g.inChannels;
  const codes = new Uint8Array(g.batch * height * width * c).fill(padCode);
  const row = g.inWidth * c;
  for (let n = 0; n < g.batch; n++)
    for (let h = 0; h < g.inHeight; h++) {
      const from = (n * g.inHeight + h) * row;
      codes.set(x.subarray(from, from + row), ((n * height + h + g.padTop) * width + g.padLeft) * c);
    }
  return { codes, height, width };
};

/** Table accumulations and window code sums of one convolution, in one pass. */
export interface Accumulated {
  readonly accumulations: Int32Array;
  readonly windowSums: Int32Array;
}

const conv2dInto = (g: ConvGeometry, p: Padded, w: Uint8Array, table: Int32Array, acc: Int32Array, sums: Int32Array, n0: number, n1: number): void => {
  const { codes: xp, width: wp, height: hp } = p;
  const ci = g.inChannels;
  const co = g.outChannels;
  const taps = g.filterHeight * g.filterWidth;
  for (let n = n0; n < n1; n++)
    for (let oh = 0; oh < g.outHeight; oh++)
      for (let ow = 0; ow < g.outWidth; ow++) {
        const pos = (n * g.outHeight + oh) * g.outWidth + ow;
        const o = pos * co;
        let sum = 0;
        for (let tap = 0; tap < taps; tap++) {
          const kh = (tap / g.filterWidth) | 0;
          const kw = tap - kh * g.filterWidth;
          const xBase = ((n * hp + oh * g.strideHeight + kh * g.dilationHeight) * wp + ow * g.strideWidth + kw * g.dilationWidth) * ci;
          let wOff = tap * ci * co;
          for (let c = 0; c < ci; c++, wOff += co) {
            const q = xp[xBase + c] as number;
            sum += q;
            const row = q << 8;
            for (let k = 0; k < co; k++) acc[o + k] = (acc[o + k] as number) + (table[row | (w[wOff + k] as number)] as number);
          }
        }
        sums[pos] = sum;
      }
};

const depthwiseInto = (g: ConvGeometry, p: Padded, w: Uint8Array, table: Int32Array, acc: Int32Array, sums: Int32Array, n0: number, n1: number): void => {
  const { codes: xp, width: wp, height: hp } = p;
  const ci = g.inChannels;
  const co = g.outChannels;
  const mult = co / ci;
  const taps = g.filterHeight * g.filterWidth;
  for (let n = n0; n < n1; n++)
    for (let oh = 0; oh < g.outHeight; oh++)
      for (let ow = 0; ow < g.outWidth; ow++) {
        const pos = (n * g.outHeight + oh) * g.outWidth + ow;
        const o = pos * co;
        const s = pos * ci;
        for (let tap = 0; tap < taps; tap++) {
          const kh = (tap / g.filterWidth) | 0;
          const kw = tap - kh * g.filterWidth;
          const xBase = ((n * hp + oh * g.strideHeight + kh * g.dilationHeight) * wp + ow * g.strideWidth + kw * g.dilationWidth) * ci;
          const wBase = tap * co;
          if (mult === 1) {
            for (let c = 0; c < ci; c++) {
              const q = xp[xBase + c] as number;
              sums[s + c] = (sums[s + c] as number) + q;
              acc[o + c] = (acc[o + c] as number) + (table[(q << 8) | (w[wBase + c] as number)] as number);
            }
          } else {
            for (let c = 0; c < ci; c++) {
              const q = xp[xBase + c] as number;
              sums[s + c] = (sums[s + c] as number) + q;
              const row = q << 8;
              for (let m = c * mult, end = m + mult; m < end; m++) acc[o + m] = (acc[o + m] as number) + (table[row | (w[wBase + m] as number)] as number);
            }
          }
        }
      }
};

/**
 * Accumulate the images `[n0, n1)` of a batch into `acc`/`sums` (zeroed by the caller), the unit of work split across
 * threads. `table` is the Int32Array copy of the products.
 */
export const accumulateRange = (g: ConvGeometry, p: Padded, w: Uint8Array, table: Int32Array, acc: Int32Array, sums: Int32Array, n0: number, n1: number): void =>
  g.kind === 'conv2d' ? conv2dInto(g, p, w, table, acc, sums, n0, n1) : depthwiseInto(g, p, w, table, acc, sums, n0, n1);

/** Both integer results of one convolution on this thread. */
export const fastAccumulateWithSums = (g: ConvGeometry, x: Uint8Array, w: Uint8Array, padCode: number, table: Uint16Array): Accumulated => {
  const accumulations = new Int32Array(g.batch * g.outHeight * g.outWidth * g.outChannels);
  const windowSums = new Int32Array(g.batch * g.outHeight * g.outWidth * (g.kind === 'conv2d' ? 1 : g.inChannels));
  accumulateRange(g, padCodes(g, x, padCode), w, int32Products(table), accumulations, windowSums, 0, g.batch);
  return { accumulations, windowSums };
};

export { padCodes };

/** The TypeScript fast path as an AccumulateFn (the conformance suite's view of it). */
export const fastAccumulate: AccumulateFn = (g, x, w, padCode, table) => fastAccumulateWithSums(g, x, w, padCode, table).accumulations;

