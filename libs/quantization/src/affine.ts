import { add32, f32, flushSubnormal, keepScaleBits, minNormal, mul32, sub32 } from './f32';
import { specRange, type QuantMode, type QuantRange } from './range';

// SPEC.md in this package is the definition these functions implement, with the reasoning behind each step.

/** `x ~ scale * q + min` with `q` an 8-bit code in 0..255: `min` is the value of code 0 (the origin). */
export interface AffineParams {
  readonly scale: number;
  readonly min: number;
}

/** Largest 8-bit code. */
export const maxCode = 255;

/** The code of 0.0 under a symmetric map: 0.0 is exactly `min + 128 * scale`. */
export const symmetricZeroPoint = 128;

/** `f32(1 / 255)`: the asymmetric scale multiplies by it (no division anywhere in the specification). */
export const inverse255 = f32(1 / 255);

/** `f32(1 / 127)`: the symmetric scale multiplies by it. */
export const inverse127 = f32(1 / 127);

/** Scales outside `[minScale, maxScale]` are degenerate and become 1; inside, every `k * scale` is a normal binary32. */
export const minScale = 2 ** -100;
export const maxScale = 2 ** 100;

/**
 * The scale of a range (SPEC.md, step 2): asymmetric `(hi - lo) * f32(1/255)`, symmetric `max(|lo|, |hi|) * f32(1/127)`,
 * in binary32, then cut to 15 significant bits so that `k * scale` and `(k - 0.5) * scale` are exact for every code
 * `k`; a scale that is not finite or outside `[2^-100, 2^100]` (constant tensor, overflow) is 1.
 * @example scaleFor({ min: 0, max: 255 }, 'asymmetric') // 1
 * @example scaleFor({ min: 4, max: 4 }, 'asymmetric') // 1
 */
export const scaleFor = (range: QuantRange, mode: QuantMode): number => {
  const r = specRange(range);
  const raw = mode === 'asymmetric' ? mul32(sub32(r.max, r.min), inverse255) : mul32(Math.max(Math.abs(r.min), Math.abs(r.max)), inverse127);
  const scale = keepScaleBits(raw);
  return scale >= minScale && scale <= maxScale ? scale : 1;
};

/**
 * The affine map of a range (SPEC.md, steps 1-3): asymmetric maps code 0 to the range's minimum; symmetric puts 0.0
 * exactly on code 128 (`min = -128 * scale`), so 0.0 decodes to exactly 0.
 * @example affineFor({ min: -1, max: 1 }, 'symmetric').min === -128 * affineFor({ min: -1, max: 1 }, 'symmetric').scale
 * @example affineFor({ min: 4, max: 4 }, 'asymmetric') // { scale: 1, min: 4 }
 */
export const affineFor = (range: QuantRange, mode: QuantMode): AffineParams => {
  const scale = scaleFor(range, mode);
  return { scale, min: mode === 'asymmetric' ? specRange(range).min : mul32(-symmetricZeroPoint, scale) };
};

/**
 * Threshold `t_k = min + (k - 0.5) * scale` (binary32; the product is exact): a value has code k or more exactly when
 * it is `>= t_k`. Monotone in k.
 * @example threshold({ scale: 1, min: 0 }, 8) // 7.5
 */
export const threshold = (p: AffineParams, k: number): number => add32(p.min, mul32(k - 0.5, p.scale));

/**
 * The code of one value (SPEC.md, step 4): the number of thresholds `t_1..t_255` it reaches, i.e. round half up of
 * `(x - min) / scale` clamped to 0..255, decided by comparisons with binary32 thresholds and never by a division.
 * `x` is read as binary32 (subnormals as 0); NaN has code 0. Written as a binary search over the monotone thresholds.
 * @example quantizeValue({ scale: 1, min: 0 }, 7.5) // 8
 * @example quantizeValue({ scale: 1, min: 0 }, NaN) // 0
 */
export const quantizeValue = (p: AffineParams, x: number): number => {
  const v = flushSubnormal(f32(x));
  let q = 0;
  for (let bit = 128; bit >= 1; bit >>= 1) if (v >= threshold(p, q + bit)) q += bit;
  return q;
};

/**
 * The value a code stands for (SPEC.md, step 5): `min + q * scale` in binary32 (the product is exact).
 * @example dequantizeValue({ scale: 0.5, min: -1 }, 4) // 1
 */
export const dequantizeValue = (p: AffineParams, q: number): number => add32(p.min, mul32(q, p.scale));

/**
 * The code of 0.0 (or of `x`): what padded positions read (padding is 0.0 before quantization).
 * @example codeOf(affineFor({ min: -1, max: 1 }, 'symmetric')) // 128
 */
export const codeOf = (p: AffineParams, x = 0): number => quantizeValue(p, x);

/**
 * Round trip through the code: the value the approximate arithmetic actually sees.
 * @example fakeQuantizeValue({ scale: 0.5, min: 0 }, 0.8) // 1
 */
export const fakeQuantizeValue = (p: AffineParams, x: number): number => dequantizeValue(p, quantizeValue(p, x));

/**
 * The thresholds of a map as a lookup table for `codeIn`: `t[k]` for k = 1..255, with sentinels `t[0] = -inf` and
 * `t[256] = NaN` (no value reaches it, not even +inf), so the correction loops need no bounds checks.
 * @example thresholdTable({ scale: 1, min: 0 })[3] // 2.5
 */
export const thresholdTable = (p: AffineParams): Float64Array => {
  const t = new Float64Array(maxCode + 2);
  t[0] = -Infinity;
  for (let k = 1; k <= maxCode; k++) t[k] = threshold(p, k);
  t[maxCode + 1] = Number.NaN;
  return t;
};

/**
 * The code of `x` from a threshold table: an estimate `floor((x - min) / scale + 0.5)` (any accuracy will do; here
 * with the reciprocal `inverse`) corrected by comparisons until it is exactly the threshold count. Equal to
 * `quantizeValue`.
 * @example codeIn(thresholdTable({ scale: 1, min: 0 }), 0, 1, 2.5) // 3
 */
export const codeIn = (t: Float64Array, origin: number, inverse: number, x: number): number => {
  let v = f32(x);
  if (v < minNormal && v > -minNormal) v = 0;
  const estimate = Math.floor((v - origin) * inverse + 0.5);
  let q = estimate >= 0 ? (estimate <= maxCode ? estimate : maxCode) : 0; // NaN -> 0
  while (v >= (t[q + 1] as number)) q++;
  while (v < (t[q] as number)) q--;
  return q;
};

/**
 * A fast coder for one map: `codeIn` over the map's threshold table. Equal to `quantizeValue`.
 * @example coderFor({ scale: 1, min: 0 })(2.5) // 3
 */
export const coderFor = (p: AffineParams): ((x: number) => number) => {
  const t = thresholdTable(p);
  const inverse = 1 / p.scale;
  return (x) => codeIn(t, p.min, inverse, x);
};
