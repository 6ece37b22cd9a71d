import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { DARTS_SPACE, bindMultiplier, type SearchSpace } from '@approx-darts/search-space';
import { searchNetworkPlan } from '@approx-darts/network-plan';
import { DEFAULT_ENERGY_MODEL, expectedSearchEnergy, networkEnergy, searchEnergyTable, uniformSearchWeights, type SearchWeights } from './index';

const SMALL: SearchSpace = { ...DARTS_SPACE, macro: { ...DARTS_SPACE.macro, cells: 3, channels: 4 } };
const SET = [
  { name: 'mul8u_1JFF', powerMw: 0.391 },
  { name: 'mul8u_NGR', powerMw: 0.276 },
  { name: 'fp32', powerMw: null },
] as const;

/** Every op weighted 1 (the whole supernet, as the plan holds it) and every approximable op on multiplier m. */
const allOpsOn = (table: ReturnType<typeof searchEnergyTable>, m: number): SearchWeights => {
  const u = uniformSearchWeights(table);
  const ones = (rows: readonly (readonly number[])[]) => rows.map((r) => r.map(() => 1));
  const hot = (rows: readonly (readonly (readonly number[])[])[]) => rows.map((r) => r.map((ms) => ms.map((_, i) => (i === m ? 1 : 0))));
  return { ops: { normal: ones(u.ops.normal), reduce: ones(u.ops.reduce) }, multipliers: { normal: hot(u.multipliers.normal), reduce: hot(u.multipliers.reduce) } };
};

describe('the search network energy table', () => {
  it.each([0, 1, 2])('with every op weighted 1 on multiplier %i it is networkEnergy of the search plan (less the mixed-op sums)', (m) => {
    const table = searchEnergyTable(SMALL, SET);
    const entry = SET[m] ?? SET[0];
    const plan = searchNetworkPlan(entry.powerMw === null ? SMALL : bindMultiplier(entry.name)(SMALL));
    const energy = networkEnergy(plan, entry.powerMw);
    const mixSums = energy.layers.filter((l) => l.path.endsWith('.mix')).reduce((s, l) => s + l.energyPj, 0);
    expect(mixSums).toBeGreaterThan(0);
    expect(expectedSearchEnergy(table, allOpsOn(table, m))).toBeCloseTo(energy.energyPj - mixSums, 3);
  });

  it('E_ref is the expected energy at uniform op weights on the exact 8-bit multiplier', () => {
    const exact = searchEnergyTable(SMALL, [{ name: 'exact', powerMw: DEFAULT_ENERGY_MODEL.exactPowerMw }]);
    expect(exact.referencePj).toBeCloseTo(expectedSearchEnergy(exact, uniformSearchWeights(exact)), 6);
    expect(searchEnergyTable(SMALL, SET).referencePj).toBeCloseTo(exact.referencePj, 6);
  });

  test.prop([fc.double({ min: 0, max: 0.391, noNaN: true }), fc.double({ min: 0, max: 0.391, noNaN: true })], { numRuns: 20 })(
    'moving weight to the lower-power multiplier never raises the expected energy',
    (p1, p2) => {
      const [lo, hi] = p1 < p2 ? [p1, p2] : [p2, p1];
      const table = searchEnergyTable(SMALL, [{ name: 'lo', powerMw: lo }, { name: 'hi', powerMw: hi }]);
      const w = uniformSearchWeights(table);
      expect(expectedSearchEnergy(table, allOpsOn(table, 0))).toBeLessThanOrEqual(expectedSearchEnergy(table, allOpsOn(table, 1)) + 1e-6);
      expect(expectedSearchEnergy(table, w)).toBeGreaterThan(table.basePj);
    },
  );
});
