import { describe, expect, it } from 'vitest';
import { fc } from '@fast-check/vitest';

describe('property tests are seeded', () => {
  it('draws the same values in every run (global seed from test/support/fast-check-seed.ts)', () => {
    const seed = fc.readConfigureGlobal().seed ?? Number.NaN;
    expect(Number.isSafeInteger(seed)).toBe(true);
    const draw = (): readonly number[] => fc.sample(fc.integer(), { numRuns: 5, seed });
    expect(draw()).toEqual(draw());
    let seen: number | undefined;
    fc.assert(fc.property(fc.integer(), (n) => { seen ??= n; }), { numRuns: 1 });
    expect(seen).toBe(fc.sample(fc.integer(), { numRuns: 1, seed })[0]);
  });
});
