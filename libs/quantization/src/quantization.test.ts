import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { isRight } from 'fp-ts/Either';
import { affineFor, codeOf, dequantizeValue, fakeQuantizeValue, quantizeValue } from './affine';
import { QuantRange, modeRange, rangeOf } from './range';
import { quantizePerChannel, quantizeTensor } from './tensor';

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
const mode = fc.constantFrom('asymmetric' as const, 'symmetric' as const);
const range = fc.tuple(finite, finite).map(([a, b]) => ({ min: Math.min(a, b), max: Math.max(a, b) }));

describe('affine 8-bit quantization', () => {
  test.prop([range, mode, fc.double({ min: 0, max: 1, noNaN: true })])('dequantize(quantize(x)) is within s/2 inside the range', (r, m, t) => {
    const p = affineFor(r, m);
    const wide = modeRange(r, m);
    const x = wide.min + t * (wide.max - wide.min);
    const back = dequantizeValue(p, quantizeValue(p, x));
    expect(Math.abs(back - x)).toBeLessThanOrEqual(p.scale / 2 + 1e-9 * Math.max(1, Math.abs(x)));
  });

  test.prop([range, mode, finite, finite])('quantize is monotone', (r, m, a, b) => {
    const p = affineFor(r, m);
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    expect(quantizeValue(p, lo)).toBeLessThanOrEqual(quantizeValue(p, hi));
  });

  test.prop([range, mode, finite])('quantize . dequantize is idempotent, codes in 0..255', (r, m, x) => {
    const p = affineFor(r, m);
    const q = quantizeValue(p, x);
    expect(Number.isInteger(q) && q >= 0 && q <= 255).toBe(true);
    expect(quantizeValue(p, dequantizeValue(p, q))).toBe(q);
    expect(fakeQuantizeValue(p, fakeQuantizeValue(p, x))).toBe(fakeQuantizeValue(p, x));
  });

  test.prop([finite, mode])('a degenerate range is finite and gives the constant back', (c, m) => {
    const { codes, params } = quantizeTensor(new Float64Array([c, c, c]), m);
    expect(Number.isFinite(params.scale) && params.scale > 0).toBe(true);
    const back = Array.from(codes, (q) => dequantizeValue(params, q));
    // Asymmetric: the constant exactly; symmetric: [-|c|, |c|] is only degenerate at 0, otherwise within s/2.
    for (const v of back) expect(Math.abs(v - c)).toBeLessThanOrEqual(m === 'asymmetric' ? 0 : params.scale / 2 + 1e-9 * Math.abs(c));
  });

  test.prop([fc.array(finite, { minLength: 1, maxLength: 50 })])('symmetric ranges are centred on 0 and cover the data', (xs) => {
    const r = modeRange(rangeOf(xs), 'symmetric');
    expect(r.min + r.max).toBe(0);
    for (const x of xs) expect(x >= r.min && x <= r.max).toBe(true);
  });

  test.prop([range.filter((r) => r.min < 0 && r.max > 0)])('0.0 is within s/2 of its code when the range spans it', (r) => {
    const p = affineFor(r, 'asymmetric');
    expect(Math.abs(dequantizeValue(p, codeOf(p)))).toBeLessThanOrEqual(p.scale / 2 + 1e-9 * Math.max(Math.abs(r.min), r.max));
  });

  test.prop([fc.array(finite, { minLength: 2, maxLength: 40 }).filter((xs) => xs.length % 2 === 0)])('per channel maps follow each channel', (xs) => {
    const { params } = quantizePerChannel(xs, 2, 'asymmetric');
    const evens = xs.filter((_, i) => i % 2 === 0);
    expect(params[0]?.min).toBe(Math.min(...evens));
  });

  test('the range codec accepts {min,max} and rejects the rest', () => {
    expect(isRight(QuantRange.decode({ min: -1, max: 2 }))).toBe(true);
    expect(isRight(QuantRange.decode({ min: '0', max: 2 }))).toBe(false);
  });
});
