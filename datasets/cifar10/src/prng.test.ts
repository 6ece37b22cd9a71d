import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import * as E from 'fp-ts/Either';
import { createRng, RngState, seedState, shuffled } from './prng';

describe('seeded PRNG', () => {
  test.prop([fc.integer()])('the same seed gives the same stream; a saved state resumes it exactly', (seed) => {
    const a = createRng(seed);
    const b = createRng(seed);
    for (let i = 0; i < 5; i++) a.nextUint32();
    for (let i = 0; i < 5; i++) b.nextUint32();
    // Round-trip the state through JSON and the codec, as a checkpoint does.
    const saved = RngState.decode(JSON.parse(JSON.stringify(a.state())));
    expect(E.isRight(saved)).toBe(true);
    if (E.isLeft(saved)) return;
    const c = createRng(saved.right);
    const next = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => c.nextUint32())).toEqual(next);
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(next);
  });

  it('different seeds give different streams', () => {
    const first = (seed: number): number[] => Array.from({ length: 4 }, createRng(seed).nextUint32);
    expect(first(1)).not.toEqual(first(2));
    expect(seedState(0).words.some((w) => w !== 0)).toBe(true);
  });

  test.prop([fc.integer({ min: 1, max: 1000 }), fc.integer()])('nextInt stays in [0, n)', (n, seed) => {
    const rng = createRng(seed);
    for (let i = 0; i < 50; i++) {
      const v = rng.nextInt(n);
      expect(Number.isInteger(v) && v >= 0 && v < n).toBe(true);
    }
  });

  it('nextInt is close to uniform (chi-square over 10 bins, 100000 draws)', () => {
    const rng = createRng(7);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) bins[rng.nextInt(10)]! += 1;
    const chi2 = bins.reduce((s, o) => s + (o - 10_000) ** 2 / 10_000, 0);
    // 9 degrees of freedom: P(chi2 > 27.9) = 0.001.
    expect(chi2).toBeLessThan(27.9);
    const f = createRng(8);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) sum += f.nextFloat();
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
  });

  it('rejects a state that is not four 32-bit words', () => {
    expect(E.isLeft(RngState.decode({ algorithm: 'xoshiro128**', words: [1, 2, 3] }))).toBe(true);
    expect(E.isLeft(RngState.decode({ algorithm: 'xoshiro128**', words: [1, 2, 3, 2 ** 32] }))).toBe(true);
  });

  test.prop([fc.array(fc.integer(), { maxLength: 50 }), fc.integer()])('shuffled is a permutation and leaves its input alone', (xs, seed) => {
    const copy = [...xs];
    const out = shuffled(xs, createRng(seed));
    expect(xs).toEqual(copy);
    expect([...out].sort((a, b) => a - b)).toEqual([...xs].sort((a, b) => a - b));
  });
});
