import type { AffineParams } from './affine';
import { add32, f32, mul32 } from './f32';

// SPEC.md step 7. With x ~ sx qx + mx and w ~ sw qw + mw over a window of K terms,
//   y = sx sw SUM LUT(qx, qw) + sx mw SUM qx + sw mx SUM qw + K mx mw,
// evaluated in binary32 in one fixed order, each operation rounded on its own (GPUs must not fuse a product into an
// add: the WGSL and CUDA twins prevent it), integers converted to binary32 with ties to even:
//   y = ((sx*sw)*A + (sx*mw)*Qx) + ((sw*mx)*Qw + (K*mx)*mw).

/** The factors of one (activation map, weight channel) pair; everything but the two per-output sums. */
export interface DequantizeTerms {
  /** `sx*sw`, multiplies the table sum A. */
  readonly accScale: number;
  /** `sx*mw`, multiplies the activation code sum Qx. */
  readonly sumXScale: number;
  /** `(sw*mx)*Qw + (K*mx)*mw`: fixed per output channel. */
  readonly constant: number;
}

/**
 * The per-channel factors of the dequantization: `sumW` is the sum of the channel's weight codes over the window, `terms`
 * the window size K.
 * @example dequantizeTerms({ scale: 1, min: 0 }, { scale: 1, min: 0 }, 5, 9) // { accScale: 1, sumXScale: 0, constant: 0 }
 */
export const dequantizeTerms = (x: AffineParams, w: AffineParams, sumW: number, terms: number): DequantizeTerms => ({
  accScale: mul32(x.scale, w.scale),
  sumXScale: mul32(x.scale, w.min),
  constant: add32(mul32(mul32(w.scale, x.min), f32(sumW)), mul32(mul32(f32(terms), x.min), w.min)),
});

/**
 * One output: `(accScale*A + sumXScale*Qx) + constant`, A the table sum and Qx the activation code sum of its window.
 * @example dequantizeWith({ accScale: 0.5, sumXScale: 0.25, constant: 1 }, 4, 8) // 5
 */
export const dequantizeWith = (t: DequantizeTerms, acc: number, sumX: number): number => add32(add32(mul32(t.accScale, f32(acc)), mul32(t.sumXScale, f32(sumX))), t.constant);

/**
 * The whole dequantization of one output in the specification's order.
 * @example dequantizeSum({ scale: 0.5, min: 1 }, { scale: 2, min: -1 }, 10, 3, 4, 2) // 0.5 * 2 * 10 + 0.5 * -1 * 3 + 2 * 1 * 4 + 2 * 1 * -1
 */
export const dequantizeSum = (x: AffineParams, w: AffineParams, acc: number, sumX: number, sumW: number, terms: number): number =>
  dequantizeWith(dequantizeTerms(x, w, sumW, terms), acc, sumX);
