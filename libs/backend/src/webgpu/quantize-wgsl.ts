import type { QuantMode } from '@approx-darts/quantization';

/**
 * WGSL twins of `affineFor` and `quantizeValue` of @approx-darts/quantization (DESIGN §3), in f32:
 * `affineOf(lo, hi)` gives `vec2(scale, min)`, `quantizeCode(v, p)` the 8-bit code (round half up, NaN -> 0).
 * They need the `uniforms.INFINITY` that every tfjs webgpu shader declares.
 */
export const affineWgsl = (mode: QuantMode): string => `
  fn affineOf(lo0 : f32, hi0 : f32) -> vec2<f32> {
    var lo = lo0;
    var hi = hi0;
    // An empty range (nothing reduced) reads as [0, 0], like rangeOf.
    if (!(lo <= hi)) { lo = 0.0; hi = 0.0; }
    ${mode === 'symmetric' ? 'let a = max(abs(lo), abs(hi)); lo = -a; hi = a;' : ''}
    let scale = (hi - lo) / 255.0;
    // Degenerate (constant tensor, underflow, overflow): scale 1, so no division by zero.
    if (scale > 0.0 && scale < uniforms.INFINITY) { return vec2<f32>(scale, lo); }
    return vec2<f32>(1.0, lo);
  }

  fn quantizeCode(v : f32, p : vec2<f32>) -> i32 {
    let q = floor((v - p.y) / p.x + 0.5);
    if (!(q >= 0.0)) { return 0; }
    if (q > 255.0) { return 255; }
    return i32(q);
  }
`;
