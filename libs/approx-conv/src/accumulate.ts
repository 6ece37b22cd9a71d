import { channelMultiplier, outputSize, type ConvGeometry } from './geometry';

/**
 * An implementation of the integer core of the approximate convolution: for every output, the SUM over its window of
 * `table[qx * 256 + qw]` (activation first). Input positions outside the image read `padCode`. Every engine provides
 * one; all must agree bit for bit with `referenceAccumulate`.
 */
export type AccumulateFn = (geometry: ConvGeometry, x: Uint8Array, w: Uint8Array, padCode: number, table: Uint16Array) => Int32Array;

/**
 * The activation code at an input position, `padCode` outside the image (row -1 below).
 * @example codeAt(geometryFor('conv2d', [1, 2, 2, 1], [1, 1, 1, 1], { strides: 1, dilations: 1, pad: 'valid' }), new Uint8Array([1, 2, 3, 4]), 0, -1, 0, 0, 7) // 7
 */
export const codeAt = (g: ConvGeometry, x: Uint8Array, n: number, ih: number, iw: number, c: number, padCode: number): number =>
  ih < 0 || ih >= g.inHeight || iw < 0 || iw >= g.inWidth ? padCode : (x[((n * g.inHeight + ih) * g.inWidth + iw) * g.inChannels + c] as number);

/**
 * The specification: six plain loops per output, no cleverness. Slow; used by tests and as the meaning of AccumulateFn.
 * @example
 * const g = geometryFor('conv2d', [1, 2, 2, 1], [1, 1, 1, 1], { strides: 1, dilations: 1, pad: 'valid' });
 * referenceAccumulate(g, new Uint8Array([1, 2, 3, 4]), new Uint8Array([3]), 0, exactTable().products) // Int32Array.from([3, 6, 9, 12])
 */
export const referenceAccumulate: AccumulateFn = (g, x, w, padCode, table) => {
  const out = new Int32Array(outputSize(g));
  const mult = channelMultiplier(g);
  for (let n = 0; n < g.batch; n++)
    for (let oh = 0; oh < g.outHeight; oh++)
      for (let ow = 0; ow < g.outWidth; ow++)
        for (let co = 0; co < g.outChannels; co++) {
          let sum = 0;
          for (let kh = 0; kh < g.filterHeight; kh++)
            for (let kw = 0; kw < g.filterWidth; kw++) {
              const ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight;
              const iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth;
              if (g.kind === 'conv2d') {
                for (let ci = 0; ci < g.inChannels; ci++) {
                  const qx = codeAt(g, x, n, ih, iw, ci, padCode);
                  const qw = w[((kh * g.filterWidth + kw) * g.inChannels + ci) * g.outChannels + co] as number;
                  sum += table[qx * 256 + qw] as number;
                }
              } else {
                const ci = Math.floor(co / mult);
                const qx = codeAt(g, x, n, ih, iw, ci, padCode);
                const qw = w[(kh * g.filterWidth + kw) * g.outChannels + co] as number;
                sum += table[qx * 256 + qw] as number;
              }
            }
          out[((n * g.outHeight + oh) * g.outWidth + ow) * g.outChannels + co] = sum;
        }
  return out;
};
