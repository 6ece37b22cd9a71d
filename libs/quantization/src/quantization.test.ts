import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { isRight } from 'fp-ts/Either';
import { affineFor, codeOf, coderFor, dequantizeValue, fakeQuantizeValue, maxScale, minScale, quantizeValue, scaleFor, threshold, type AffineParams } from './affine';
import { bitsOf, f32, fromBits, keepScaleBits } from './f32';
import { QuantRange, rangeOf, specRange } from './range';
import { fakeQuantizeInto, quantizeInto, quantizePerChannel, quantizeTensor } from './tensor';

const seed = 20240613;
const mode = fc.constantFrom('asymmetric' as const, 'symmetric' as const);
/** float32 values of ordinary magnitudes (no subnormals: those read as 0) */
const ordinary = fc.float({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((v) => (Math.abs(v) < 2 ** -126 ? 0 : v));
/** any float32 including NaN, infinities, subnormals and -0 */
const anyF32 = fc.oneof(fc.float(), fc.constantFrom(0, -0, 1e-40, -1e-40, Infinity, -Infinity, Number.NaN));
const range = fc.tuple(ordinary, ordinary).map(([a, b]) => ({ min: Math.min(a, b), max: Math.max(a, b) }));
/** Ranges whose width is not tiny against their magnitude (SPEC.md, residual caveats). */
const wideRange = range.filter((r) => r.max - r.min > 2 ** -10 * Math.max(Math.abs(r.min), Math.abs(r.max)) && r.max - r.min > 1e-20);

/** The next float32 `d` steps up (d > 0) or down from a finite float32. */
const stepF32 = (v: number, d: number): number => {
  if (v === 0) return d > 0 ? fromBits(d) : -fromBits(-d);
  const b = bitsOf(v);
  return fromBits(v > 0 ? b + d : b - d);
};

/** Values around the thresholds of a map: where codes change, the interesting inputs. */
const nearThreshold = (p: AffineParams) =>
  fc.tuple(fc.integer({ min: 1, max: 255 }), fc.integer({ min: -2, max: 2 })).map(([k, d]) => stepF32(threshold(p, k), d));

/** The definition, literally: how many thresholds t_1..t_255 the (flushed, float32) value reaches. */
const thresholdCount = (p: AffineParams, x: number): number => {
  const v = Math.abs(f32(x)) < 2 ** -126 ? 0 : f32(x);
  let n = 0;
  for (let k = 1; k <= 255; k++) if (v >= threshold(p, k)) n++;
  return n;
};

describe('the scale and origin (SPEC.md steps 1-3)', () => {
  test.prop([range, mode], { seed })('the scale has at most 15 significant bits, so k*s and (k - 0.5)*s are exact in float32', (r, m) => {
    const { scale } = affineFor(r, m);
    expect(bitsOf(scale) & 0x1ff).toBe(0);
    expect(scale >= minScale && scale <= maxScale).toBe(true);
    for (let k = 0; k <= 256; k++) {
      expect(f32(k * scale)).toBe(k * scale);
      expect(f32((k - 0.5) * scale)).toBe((k - 0.5) * scale);
    }
  });

  test.prop([range, mode], { seed })('the scale is the float32 one cut toward zero, or 1 when degenerate', (r, m) => {
    const lo = f32(r.min);
    const hi = f32(r.max);
    const raw = m === 'asymmetric' ? f32(f32(hi - lo) * f32(1 / 255)) : f32(Math.max(Math.abs(lo), Math.abs(hi)) * f32(1 / 127));
    const s = scaleFor(r, m);
    if (s === 1 && !(raw >= minScale)) return;
    expect(s).toBeLessThanOrEqual(raw);
    expect(s).toBeGreaterThan(raw * (1 - 2 ** -14));
  });

  test.prop([anyF32, anyF32, mode], { seed })('any range, even NaN, infinite or reversed, gives a finite map', (a, b, m) => {
    const p = affineFor({ min: a, max: b }, m);
    expect(Number.isFinite(p.scale) && p.scale > 0 && Number.isFinite(p.min)).toBe(true);
    const r = specRange({ min: a, max: b });
    expect(r.min <= r.max && Number.isFinite(r.min) && Number.isFinite(r.max)).toBe(true);
  });

  test.prop([ordinary], { seed })('symmetric: 0.0 has code 128 and decodes to exactly 0; -0 and subnormals too', (a) => {
    const p = affineFor({ min: -Math.abs(a), max: Math.abs(a) / 3 }, 'symmetric');
    expect(p.min).toBe(-128 * p.scale);
    for (const zero of [0, -0, 1e-40, -1e-40]) {
      expect(codeOf(p, zero)).toBe(128);
      expect(Object.is(fakeQuantizeValue(p, zero), 0)).toBe(true);
    }
  });

  test.prop([wideRange], { seed })('asymmetric: the range ends get codes 0 and 255, and decode to within a code', (r) => {
    const p = affineFor(r, 'asymmetric');
    const [lo, hi] = [f32(r.min), f32(r.max)];
    expect(quantizeValue(p, lo)).toBe(0);
    expect(quantizeValue(p, hi)).toBe(255);
    expect(dequantizeValue(p, 0)).toBe(lo);
    expect(Math.abs(dequantizeValue(p, 255) - hi)).toBeLessThanOrEqual(p.scale);
  });

  test.prop([wideRange], { seed })('symmetric: max|x| has code 255 and -max|x| code 1', (r) => {
    const p = affineFor(r, 'symmetric');
    const a = Math.max(Math.abs(f32(r.min)), Math.abs(f32(r.max)));
    expect(quantizeValue(p, a)).toBe(255);
    expect(quantizeValue(p, -a)).toBe(1);
  });

  test.prop([ordinary, mode], { seed })('a constant tensor is degenerate, finite, and asymmetric gives the constant back exactly', (c, m) => {
    const { codes, params } = quantizeTensor(new Float32Array([c, c, c]), m);
    expect(params.scale).toBe(m === 'asymmetric' || c === 0 ? 1 : params.scale);
    const back = Array.from(codes, (q) => dequantizeValue(params, q));
    for (const v of back) expect(Math.abs(v - c)).toBeLessThanOrEqual(m === 'asymmetric' ? 0 : params.scale / 2 + Math.abs(c) * 2 ** -23);
  });

  it('the range rules: float32, subnormals as 0, anything not lo <= hi and finite as [0, 0]', () => {
    expect(specRange({ min: 0.1, max: 0.2 })).toEqual({ min: f32(0.1), max: f32(0.2) });
    expect(specRange({ min: -1e-40, max: 1e-40 })).toEqual({ min: 0, max: 0 });
    for (const bad of [{ min: 2, max: 1 }, { min: Number.NaN, max: 1 }, { min: -Infinity, max: 1 }, { min: 0, max: Infinity }]) expect(specRange(bad)).toEqual({ min: 0, max: 0 });
    expect(rangeOf([Number.NaN, 0.1, -3, Number.NaN])).toEqual({ min: -3, max: f32(0.1) });
    expect(rangeOf([Number.NaN])).toEqual({ min: 0, max: 0 });
  });
});

describe('codes (SPEC.md step 4)', () => {
  const params = fc.tuple(range, mode).map(([r, m]) => affineFor(r, m));
  const valueFor = (p: AffineParams) => fc.oneof(nearThreshold(p), anyF32, ordinary);

  test.prop([params.chain((p) => fc.tuple(fc.constant(p), valueFor(p)))], { seed, numRuns: 300 })('quantizeValue is the threshold count', ([p, x]) => {
    expect(quantizeValue(p, x)).toBe(thresholdCount(p, x));
  });

  test.prop([params.chain((p) => fc.tuple(fc.constant(p), fc.array(valueFor(p), { minLength: 1, maxLength: 40 })))], { seed, numRuns: 300 })(
    'the estimate-and-correct coder and quantizeInto equal quantizeValue',
    ([p, xs]) => {
      const code = coderFor(p);
      const want = xs.map((x) => quantizeValue(p, x));
      expect(xs.map(code)).toEqual(want);
      expect(Array.from(quantizeInto(p, xs))).toEqual(want);
    },
  );

  it('the coder is exact even when its estimate is far off (thresholds collapsed by rounding)', () => {
    const p = affineFor({ min: 1e6, max: 1e6 + 0.5 }, 'asymmetric');
    const xs = Array.from({ length: 64 }, (_, i) => f32(1e6 + i / 64));
    expect(xs.map(coderFor(p))).toEqual(xs.map((x) => thresholdCount(p, x)));
  });

  test.prop([params, anyF32, anyF32], { seed })('codes are monotone in the value (NaN aside)', (p, a, b) => {
    fc.pre(!Number.isNaN(a) && !Number.isNaN(b));
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    expect(quantizeValue(p, lo)).toBeLessThanOrEqual(quantizeValue(p, hi));
  });

  test.prop([params, anyF32], { seed })('codes are integers in 0..255; NaN is 0, +inf 255', (p, x) => {
    const q = quantizeValue(p, x);
    expect(Number.isInteger(q) && q >= 0 && q <= 255).toBe(true);
    expect(quantizeValue(p, Number.NaN)).toBe(0);
    expect(quantizeValue(p, Infinity)).toBe(255);
  });

  test.prop([fc.tuple(wideRange, mode).map(([r, m]) => affineFor(r, m)), anyF32], { seed })('decode then quantize is the identity on codes: fake quantization is idempotent', (p, x) => {
    const q = quantizeValue(p, x);
    expect(quantizeValue(p, dequantizeValue(p, q))).toBe(q);
    expect(fakeQuantizeValue(p, fakeQuantizeValue(p, x))).toBe(fakeQuantizeValue(p, x));
  });

  test.prop([fc.tuple(wideRange, mode), fc.float({ min: 0, max: 1, noNaN: true })], { seed })('inside the range a value moves by at most half a step and a float32 rounding', ([r, m], t) => {
    const p = affineFor(r, m);
    const x = f32(f32(r.min) + t * (f32(r.max) - f32(r.min)));
    const back = fakeQuantizeValue(p, x);
    expect(Math.abs(back - x)).toBeLessThanOrEqual(p.scale / 2 + 2 ** -22 * Math.max(Math.abs(x), Math.abs(p.min) + 256 * p.scale));
  });

  test.prop([fc.array(ordinary, { minLength: 2, maxLength: 40 }).filter((xs) => xs.length % 2 === 0), mode], { seed })('per channel maps follow each channel', (xs, m) => {
    const { params: ps, codes } = quantizePerChannel(xs, 2, m);
    [0, 1].forEach((c) => {
      const own = xs.filter((_, i) => i % 2 === c);
      const p = affineFor(rangeOf(own), m);
      expect(ps[c]).toEqual(p);
      expect(Array.from(codes).filter((_, i) => i % 2 === c)).toEqual(own.map((x) => quantizeValue(p, x)));
    });
  });

  test.prop([fc.array(ordinary, { minLength: 3, maxLength: 30 }).filter((xs) => xs.length % 3 === 0), mode], { seed })('fakeQuantizeInto is decode(code) with the channel of each element', (xs, m) => {
    const ps = [0, 1, 2].map((c) => affineFor(rangeOf(xs, c, xs.length, 3), m));
    expect(Array.from(fakeQuantizeInto(ps, xs))).toEqual(xs.map((x, i) => fakeQuantizeValue(ps[i % 3] as AffineParams, x)));
  });

  it('keepScaleBits rounds toward zero to 15 significant bits', () => {
    expect(keepScaleBits(1 + 2 ** -14 + 2 ** -15)).toBe(1 + 2 ** -14);
    expect(keepScaleBits(2 ** -14 - 2 ** -38)).toBe(2 ** -15 * (2 - 2 ** -14));
  });

  it('the range codec accepts {min,max} and rejects the rest', () => {
    expect(isRight(QuantRange.decode({ min: -1, max: 2 }))).toBe(true);
    expect(isRight(QuantRange.decode({ min: '0', max: 2 }))).toBe(false);
  });
});
