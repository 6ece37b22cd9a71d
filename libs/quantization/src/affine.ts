import { modeRange, type QuantMode, type QuantRange } from './range';

/** `x ~ scale * q + min` with `q` an 8-bit code in 0..255. */
export interface AffineParams {
  readonly scale: number;
  readonly min: number;
}

/** Largest 8-bit code. */
export const maxCode = 255;

/**
 * The affine map of a range (DESIGN §3): `scale = (max - min) / 255`.
 * Degenerate ranges (`max <= min`, or a width so small the scale underflows) use `scale = 1` with the same `min`,
 * so every value of a constant tensor gets code 0 and dequantizes back to the constant exactly — never a division by 0.
 * @example affineFor({ min: -1, max: 1 }, 'asymmetric') // { scale: 2 / 255, min: -1 }
 * @example affineFor({ min: 4, max: 4 }, 'asymmetric') // { scale: 1, min: 4 }
 */
export const affineFor = (range: QuantRange, mode: QuantMode): AffineParams => {
  const r = modeRange(range, mode);
  const scale = (r.max - r.min) / maxCode;
  return scale > 0 && Number.isFinite(scale) ? { scale, min: r.min } : { scale: 1, min: r.min };
};

/**
 * The code of one value: `clamp(round((x - min) / scale), 0, 255)` (round half up).
 * @example quantizeValue({ scale: 1, min: 0 }, 7.5) // 8
 */
export const quantizeValue = (p: AffineParams, x: number): number => {
  const q = Math.round((x - p.min) / p.scale);
  return q <= 0 ? 0 : q > maxCode ? maxCode : q; // `<= 0` also maps Math.round's -0 to 0
};

/**
 * The value a code stands for.
 * @example dequantizeValue({ scale: 0.5, min: -1 }, 4) // 1
 */
export const dequantizeValue = (p: AffineParams, q: number): number => p.scale * q + p.min;

/**
 * The code of 0.0: what padded positions read (DESIGN §3, padding in float space before quantization).
 * @example codeOf({ scale: 2 / 255, min: -1 }) // 128
 */
export const codeOf = (p: AffineParams, x = 0): number => quantizeValue(p, x);

/**
 * Round trip through the code: the value the approximate arithmetic actually sees.
 * @example fakeQuantizeValue({ scale: 0.5, min: 0 }, 0.8) // 1
 */
export const fakeQuantizeValue = (p: AffineParams, x: number): number => dequantizeValue(p, quantizeValue(p, x));
