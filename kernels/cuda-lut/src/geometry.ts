/**
 * The convolution geometry and accumulation contract of @approx-darts/approx-conv (contracts.md),
 * restated structurally so this package type-checks on its own; values of either declaration are
 * assignable to the other.
 */
export interface ConvGeometry {
  readonly kind: 'conv2d' | 'depthwise';
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly outChannels: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly outHeight: number;
  readonly outWidth: number;
}

/** SUM over the window of table[qx*256+qw]; positions outside the image read `padCode`. */
export type AccumulateFn = (geometry: ConvGeometry, x: Uint8Array, w: Uint8Array, padCode: number, table: Uint16Array) => Int32Array;

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
