import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { isApproximable, operationFromName } from '@approx-darts/search-space';
import { DARTS_V2, type Genotype, type GenotypeCell } from '@approx-darts/genotype';
import { evalNetworkPlan, type NetworkPlan } from '@approx-darts/network-plan';
import { networkEnergy, networkEnergyByLayer } from './index';

const POWER: Readonly<Record<string, number>> = { mul8u_1JFF: 0.391, mul8u_NGR: 0.276, mul8u_DM1: 0.195 };
const NAMES = [...Object.keys(POWER), 'fp32'];

const plan = (g: Genotype, multiplier: string | null): NetworkPlan =>
  E.getOrElseW((e: { message: string }) => {
    throw new Error(e.message);
  })(evalNetworkPlan(g, { channels: 16, cells: 8, multiplier, auxiliary: true }));

const onEveryEdge = (m: string) => (c: GenotypeCell): GenotypeCell => ({ ...c, nodes: c.nodes.map((edges) => edges.map((e) => ({ ...e, multiplier: m }))) });

const mixed = fc.array(fc.constantFrom(...NAMES), { minLength: 16, maxLength: 16 }).map((picks): Genotype => {
  let i = 0;
  const cell = (c: GenotypeCell): GenotypeCell => ({ ...c, nodes: c.nodes.map((edges) => edges.map((e) => ({ ...e, multiplier: picks[i++] ?? 'fp32' }))) });
  return { normal: cell(DARTS_V2.normal), reduce: cell(DARTS_V2.reduce) };
});

const powerOf = (m: string | null): number | null => (m === null ? null : (POWER[m] ?? null));

describe('the energy of a genotype whose edges carry multipliers', () => {
  test.prop([mixed], { numRuns: 20 })("is the sum of its layers', each as the network with every edge on that layer's multiplier charges it", (g) => {
    const mixedEnergy = networkEnergyByLayer(plan(g, null), powerOf);
    expect(mixedEnergy.energyPj).toBeCloseTo(mixedEnergy.layers.reduce((s, l) => s + l.energyPj, 0), 3);
    const uniform = new Map(NAMES.map((m) => [m, networkEnergy(plan({ normal: onEveryEdge(m)(g.normal), reduce: onEveryEdge(m)(g.reduce) }, null), POWER[m] ?? null)]));
    const layers = plan(g, null).layers.filter((l) => !l.auxiliary);
    const rebuilt = layers.reduce((s, l, i) => {
      const m = l.approximate ? (l.multiplier ?? 'fp32') : 'fp32';
      const same = uniform.get(m)?.layers[i];
      expect(same?.path).toBe(l.path);
      return s + (same?.energyPj ?? Number.NaN);
    }, 0);
    expect(mixedEnergy.energyPj).toBeCloseTo(rebuilt, 3);
  });

  test.prop([fc.constantFrom(...Object.keys(POWER))], { numRuns: 3 })('with one multiplier on every approximable edge equals the single-multiplier energy', (m) => {
    const approximable = (name: string): boolean => {
      const op = operationFromName(name);
      return O.isSome(op) && isApproximable(op.value);
    };
    const only = (c: GenotypeCell): GenotypeCell => ({ ...c, nodes: c.nodes.map((edges) => edges.map((e) => (approximable(e.op) ? { ...e, multiplier: m } : e))) });
    const g = { normal: only(DARTS_V2.normal), reduce: only(DARTS_V2.reduce) };
    expect(networkEnergyByLayer(plan(g, null), powerOf).energyPj).toBeCloseTo(networkEnergy(plan(DARTS_V2, m), POWER[m] ?? null).energyPj, 3);
  });
});
