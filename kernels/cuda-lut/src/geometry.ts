import type { ConvGeometry } from '@approx-darts/approx-conv';

// The geometry and the accumulation contract are approx-conv's: every implementation is checked against its reference.
export type { AccumulateFn, ConvGeometry } from '@approx-darts/approx-conv';

/** Element counts a geometry implies: x NHWC, filter as [K][outC], output NHWC, and the window K. */
export interface TensorSizes {
  readonly x: number;
  readonly w: number;
  readonly out: number;
  readonly window: number;
}

/** Sizes of the operands of `g`; e.g. a 3x3 conv2d of 2 -> 4 channels on 1x3x3 has x 18, w 72, K 18. */
export const tensorSizes = (g: ConvGeometry): TensorSizes => {
  const window = g.filterHeight * g.filterWidth * (g.kind === 'conv2d' ? g.inChannels : 1);
  return {
    x: g.batch * g.inHeight * g.inWidth * g.inChannels,
    w: window * g.outChannels,
    out: g.batch * g.outHeight * g.outWidth * g.outChannels,
    window,
  };
};
