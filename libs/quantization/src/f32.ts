// The arithmetic of the quantization specification (SPEC.md in this package): IEEE binary32, round to nearest even,
// every operation rounded on its own, subnormal results read as +0. JavaScript computes in float64; rounding one
// float64 +, - or * of two float32 values to float32 is exactly the float32 operation (53 >= 2 * 24 + 2 bits), so
// `Math.fround` after every operation is binary32 arithmetic.

/** Round to the nearest binary32 (ties to even). */
export const f32 = Math.fround;

/** The smallest normal binary32, 2^-126. */
export const minNormal = 2 ** -126;

/**
 * Subnormals and -0 read as +0: the results a GPU that flushes subnormals gives, made explicit so engines that keep
 * them agree. NaN and infinities pass through.
 * @example flushSubnormal(1e-40) // 0
 * @example flushSubnormal(-0) === 0 && Object.is(flushSubnormal(-0), 0)
 */
export const flushSubnormal = (v: number): number => (v < minNormal && v > -minNormal ? 0 : v);

/**
 * `a + b` in the specification's arithmetic.
 * @example add32(1, 2 ** -30) // 1
 */
export const add32 = (a: number, b: number): number => flushSubnormal(f32(a + b));

/**
 * `a - b` in the specification's arithmetic.
 * @example sub32(3, 0.5) // 2.5
 */
export const sub32 = (a: number, b: number): number => flushSubnormal(f32(a - b));

/**
 * `a * b` in the specification's arithmetic.
 * @example mul32(0.1, 3) === Math.fround(Math.fround(0.1) * 3)
 */
export const mul32 = (a: number, b: number): number => flushSubnormal(f32(a * b));

const word = new Float32Array(1);
const bits = new Uint32Array(word.buffer);

/**
 * The binary32 bit pattern of a number (rounded to binary32 first).
 * @example bitsOf(1) // 0x3f800000
 */
export const bitsOf = (v: number): number => {
  word[0] = v;
  return bits[0] as number;
};

/**
 * The binary32 number of a bit pattern.
 * @example fromBits(0x3f800000) // 1
 */
export const fromBits = (b: number): number => {
  bits[0] = b >>> 0;
  return word[0] as number;
};

/** Significant bits a scale keeps: with at most 9 bits in `k - 0.5` (k <= 256), `(k - 0.5) * scale` fits in 24. */
export const scaleSignificantBits = 15;

/**
 * A binary32 with its low `24 - scaleSignificantBits` significand bits cleared (rounded toward zero to 15 significant
 * bits), so that multiplying it by any `k` or `k - 0.5` with `k <= 256` is exact.
 * @example keepScaleBits(1 / 3) === fromBits(bitsOf(1 / 3) & 0xfffffe00)
 */
export const keepScaleBits = (v: number): number => fromBits(bitsOf(v) & ~((1 << (24 - scaleSignificantBits)) - 1));
