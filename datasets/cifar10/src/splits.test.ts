import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { classCounts } from './record-format';
import { holdOutSplit, proportionalQuotas, searchSplit, stratifiedLimit } from './splits';

const labelsArb = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 400 }).map((l) => Uint8Array.from(l));

const disjointCover = (a: Int32Array, b: Int32Array, n: number): boolean => {
  const all = [...a, ...b].sort((x, y) => x - y);
  return all.length === n && all.every((v, i) => v === i);
};

describe('seeded, stratified splits', () => {
  test.prop([fc.array(fc.nat(1000), { minLength: 10, maxLength: 10 }), fc.nat(12000)])(
    'quotas sum to the total (capped) and never exceed a class',
    (counts, total) => {
      const q = proportionalQuotas(counts, total);
      const n = counts.reduce((a, b) => a + b, 0);
      expect(q.reduce((a, b) => a + b, 0)).toBe(Math.min(total, n));
      q.forEach((v, i) => {
        expect(v).toBeLessThanOrEqual(counts[i]!);
        // Proportional to within one image.
        if (n > 0) expect(Math.abs(v - (counts[i]! * Math.min(total, n)) / n)).toBeLessThan(1);
      });
    },
  );

  test.prop([labelsArb, fc.integer()])('the search split halves the set, disjoint, class-balanced, same for the same seed', (labels, seed) => {
    const { weights, arch } = searchSplit(labels, { seed });
    expect(disjointCover(weights, arch, labels.length)).toBe(true);
    expect(weights.length).toBe(Math.floor(labels.length / 2));
    const all = classCounts(labels);
    const w = classCounts(Array.from(weights, (i) => labels[i]!));
    w.forEach((c, k) => expect(Math.abs(c - all[k]! / 2)).toBeLessThan(1));
    expect(searchSplit(labels, { seed })).toEqual({ weights, arch });
  });

  it('different seeds choose different halves', () => {
    const labels = Uint8Array.from({ length: 1000 }, (_, i) => i % 10);
    expect(searchSplit(labels, { seed: 1 }).weights).not.toEqual(searchSplit(labels, { seed: 2 }).weights);
  });

  test.prop([labelsArb, fc.nat(500), fc.integer()])('hold-out and limit take the asked number, stratified', (labels, count, seed) => {
    const { train, validation } = holdOutSplit(labels, { seed, count });
    expect(disjointCover(train, validation, labels.length)).toBe(true);
    expect(validation.length).toBe(Math.min(count, labels.length));
    const limited = stratifiedLimit(labels, count, seed);
    expect(limited.length).toBe(Math.min(count, labels.length));
    expect(new Set(limited).size).toBe(limited.length);
  });

  it('a limit of 100 over balanced labels takes 10 per class', () => {
    const labels = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) % 10);
    expect(classCounts(Array.from(stratifiedLimit(labels, 100, 3), (i) => labels[i]!))).toEqual(new Array(10).fill(10));
  });
});
