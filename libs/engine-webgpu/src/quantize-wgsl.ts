import { bitsOf, inverse127, inverse255, maxScale, minNormal, minScale, symmetricZeroPoint, type QuantMode } from '@approx-darts/quantization';

// WGSL twins of the quantization specification, libs/quantization/SPEC.md: bit for bit what affineFor, quantizeValue,
// dequantizeValue and dequantizeSum of @approx-darts/quantization compute. SPEC.md says why each line is written so:
// no division decides a code, every product that reaches an add is either exact or hidden from contraction, every
// subnormal is flushed explicitly, integers are converted without WGSL's unspecified rounding.

/** A binary32 constant by its bits: no decimal literal whose rounding a compiler might choose. */
const f32Bits = (v: number): string => `bitcast<f32>(0x${bitsOf(v).toString(16).padStart(8, '0')}u)`;

/** The mask that keeps a scale's 15 significant bits (SPEC.md step 2). */
const scaleMask = `0x${(~((1 << 9) - 1) >>> 0).toString(16)}u`;

/**
 * `flushSubnormal(v)`, `affineOf(lo, hi)` -> `vec2(scale, min)` (steps 1-3), `codeThreshold(k, p)`,
 * `quantizeCode(v, p)` -> the 8-bit code (step 4) and `decodeCode(q, p)` -> its value (step 5), for one mode.
 */
export const affineWgsl = (mode: QuantMode): string => `
  fn flushSubnormal(v : f32) -> f32 {
    return select(v, 0.0, abs(v) < ${f32Bits(minNormal)});
  }

  fn affineOf(lo0 : f32, hi0 : f32) -> vec2<f32> {
    var lo = flushSubnormal(lo0);
    var hi = flushSubnormal(hi0);
    // Empty (a reduction's +inf, -inf), NaN, infinite or reversed: [0, 0].
    if (!(lo <= hi && abs(lo) <= ${f32Bits(3.4028234663852886e38)} && abs(hi) <= ${f32Bits(3.4028234663852886e38)})) { lo = 0.0; hi = 0.0; }
    let raw = ${mode === 'symmetric' ? `max(abs(lo), abs(hi)) * ${f32Bits(inverse127)}` : `(hi - lo) * ${f32Bits(inverse255)}`};
    var scale = bitcast<f32>(bitcast<u32>(raw) & ${scaleMask});
    if (!(scale >= ${f32Bits(minScale)} && scale <= ${f32Bits(maxScale)})) { scale = 1.0; }
    return vec2<f32>(scale, ${mode === 'symmetric' ? `-${symmetricZeroPoint}.0 * scale` : 'lo'});
  }

  // t_k = min + (k - 0.5) * scale: the product is exact (15-bit scale), so fusing it into the add changes nothing.
  fn codeThreshold(k : i32, p : vec2<f32>) -> f32 {
    return p.y + (f32(k) - 0.5) * p.x;
  }

  // The number of thresholds v reaches: a division's estimate, corrected by comparisons (NaN -> 0).
  fn quantizeCode(v0 : f32, p : vec2<f32>) -> i32 {
    let v = flushSubnormal(v0);
    let estimate = floor((v - p.y) / p.x + 0.5);
    var q = 0;
    if (estimate >= 255.0) { q = 255; } else if (estimate >= 0.0) { q = i32(estimate); }
    loop {
      if (!(q < 255 && v >= codeThreshold(q + 1, p))) { break; }
      q = q + 1;
    }
    loop {
      if (!(q > 0 && v < codeThreshold(q, p))) { break; }
      q = q - 1;
    }
    return q;
  }

  fn decodeCode(q : i32, p : vec2<f32>) -> f32 {
    return p.y + f32(q) * p.x;
  }
`;

/** The uniform `dequantizeWgsl` reads: declare it in the program's `uniforms` and pass `opaqueZeroUniform`. */
export const opaqueZeroDeclaration = 'opaqueZero : u32,';

/** Its value: 0, which the shader compiler cannot know. */
export const opaqueZeroUniform = { type: 'uint32', data: [0] };

/**
 * `dequantizeSum(px, pw, acc, sumX, sumW, terms)` (SPEC.md step 7) with `px`, `pw` from `affineOf`. Needs `affineWgsl`
 * (for `flushSubnormal`) and the `opaqueZero` uniform.
 */
export const dequantizeWgsl = `
  // A non-negative i32 as binary32 rounded to nearest even: both parts convert exactly, the add rounds once.
  fn exactF32(n : i32) -> f32 {
    return f32(n >> 12u) * 4096.0 + f32(n & 4095);
  }

  // A result as stored: XOR with a uniform that is 0 at run time hides the value from the compiler, so it cannot
  // contract a product into the add that reads it; then subnormals are flushed like on any engine.
  fn stored(v : f32) -> f32 {
    return flushSubnormal(bitcast<f32>(bitcast<u32>(v) ^ uniforms.opaqueZero));
  }

  // y = ((sx*sw)*A + (sx*mw)*Qx) + ((sw*mx)*Qw + (K*mx)*mw), each operation rounded on its own.
  fn dequantizeSum(px : vec2<f32>, pw : vec2<f32>, acc : i32, sumX : i32, sumW : i32, terms : i32) -> f32 {
    let accScale = stored(px.x * pw.x);
    let sumXScale = stored(px.x * pw.y);
    let constant = stored(stored(stored(pw.x * px.y) * exactF32(sumW)) + stored(stored(exactF32(terms) * px.y) * pw.y));
    return stored(stored(stored(accScale * exactF32(acc)) + stored(sumXScale * exactF32(sumX))) + constant);
  }
`;
