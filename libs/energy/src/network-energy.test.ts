import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import * as E from 'fp-ts/Either';
import { DARTS_V1, DARTS_V2, type Genotype } from '@approx-darts/genotype';
import { conv, evalNetworkPlan, planTotals, type NetworkPlan } from '@approx-darts/network-plan';
import { DEFAULT_ENERGY_MODEL, HOROWITZ_45NM, networkEnergy, layerOperations } from './index';

const plan = (g: Genotype, channels: number, cells: number, multiplier: string | null): NetworkPlan =>
  E.getOrElseW((e: { message: string }) => {
    throw new Error(e.message);
  })(evalNetworkPlan(g, { channels, cells, multiplier, auxiliary: true }));

describe('operation counts', () => {
  test.prop([fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 16 }), fc.constantFrom(1, 3, 5), fc.constantFrom(1, 2), fc.integer({ min: 4, max: 16 })])(
    'a convolution does one multiplication and one addition per MAC, MACs = out pixels x out channels x in channels x k^2',
    (cin, cout, k, stride, side) => {
      const layer = conv('c', [cin, side, side], { kind: 'conv', outChannels: cout, kernel: k, stride, pad: (k - 1) / 2 }, { multiplier: null });
      const outSide = Math.floor((side - 1) / stride) + 1;
      expect(layer.output).toEqual([cout, outSide, outSide]);
      expect(layerOperations(layer)).toEqual({ mults: outSide * outSide * cout * cin * k * k, adds: outSide * outSide * cout * cin * k * k });
    },
  );

  it('counts every MAC of the plan as a multiplication', () => {
    const p = plan(DARTS_V2, 36, 20, 'mul8u_NGR');
    const e = networkEnergy(p, 0.276);
    const t = planTotals(p);
    expect(e.approxMults).toBe(t.approxMacs);
    expect(e.mults).toBeGreaterThan(t.macs); // BN and pooling multiply too
  });
});

describe('energy', () => {
  it('a single approximate conv costs MACs x (0.2 pJ x P/0.391 + 0.1 pJ int32 accumulation)', () => {
    const layer = conv('c', [8, 4, 4], { kind: 'pointwise', outChannels: 8, kernel: 1 }, { multiplier: 'mul8u_NGR' });
    const e = networkEnergy({ input: [8, 4, 4], classes: 0, layers: [layer] }, 0.276);
    expect(e.energyPj).toBeCloseTo(layer.macs * (0.2 * (0.276 / 0.391) + 0.1), 9);
    expect(e.fp32EnergyPj).toBeCloseTo(layer.macs * (3.7 + 0.9), 9);
    expect(e.exact8EnergyPj).toBeCloseTo(layer.macs * (0.2 + 0.1), 9);
  });

  it('float32 everywhere saves nothing; the exact multiplier saves nothing against itself', () => {
    const p = plan(DARTS_V2, 36, 20, 'mul8u_1JFF');
    const fp32 = networkEnergy(p, null);
    expect(fp32.energyPj).toBe(fp32.fp32EnergyPj);
    expect(fp32.savingVsFp32Pct).toBe(0);
    expect(networkEnergy(p, DEFAULT_ENERGY_MODEL.exactPowerMw).savingVsExact8Pct).toBeCloseTo(0, 12);
  });

  test.prop([fc.double({ min: 0, max: 0.391, noNaN: true }), fc.double({ min: 0, max: 0.391, noNaN: true })], { numRuns: 20 })(
    'a lower-power multiplier never costs more',
    (p1, p2) => {
      const p = plan(DARTS_V1, 16, 8, 'm');
      const [lo, hi] = p1 < p2 ? [p1, p2] : [p2, p1];
      expect(networkEnergy(p, lo).energyPj).toBeLessThanOrEqual(networkEnergy(p, hi).energyPj);
    },
  );

  it('savings are shares of the baselines and the auxiliary head is not charged', () => {
    const p = plan(DARTS_V2, 36, 20, 'mul8u_NGR');
    const e = networkEnergy(p, 0.276);
    expect(e.savingVsFp32Pct).toBeCloseTo(100 * (1 - e.energyPj / e.fp32EnergyPj), 12);
    expect(e.savingVsExact8Pct).toBeGreaterThan(0);
    expect(e.layers.some((l) => l.path.startsWith('auxiliary'))).toBe(false);
    expect(HOROWITZ_45NM.fp32Mult).toBe(3.7);
  });
});
