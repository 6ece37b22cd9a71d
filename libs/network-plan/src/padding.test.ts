import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/Either';
import { DARTS_SPACE } from '@approx-darts/search-space';
import { DARTS_V2 } from '@approx-darts/genotype';
import { evalNetworkPlan, planTotals, searchNetworkPlan, windowPads, type Padding } from './index';

const plan = (padding: Padding) => {
  const p = evalNetworkPlan(DARTS_V2, { channels: 8, cells: 6, padding });
  if (E.isLeft(p)) throw new Error(p.left.message);
  return p.right;
};

describe('padding in the plan (padding.ts)', () => {
  it("records TF 'same' pads on stride-2 windows by default and PyTorch DARTS's symmetric ones on request", () => {
    // Cell 2 is the first reduction (6 cells: reductions at 2 and 4); edge 0 of DARTS_V2's reduce cell is max_pool_3x3 on input 0.
    const pool = (p: Padding) => plan(p).layers.find((l) => l.path.startsWith('cells.2.') && l.kind === 'pool');
    expect(pool('same')?.pads).toEqual([0, 0, 1, 1]);
    expect(pool('symmetric')?.pads).toEqual([1, 1, 1, 1]);
    expect(pool('same')?.output).toEqual(pool('symmetric')?.output);
  });

  it('gives a 5x5 window dilated by 2 at stride 2 on 16x16 3/4 (same) or 4/4 (symmetric), and stride 1 the same either way', () => {
    expect(windowPads('same', [16, 16], 5, 2, 2)).toEqual([3, 3, 4, 4]);
    expect(windowPads('symmetric', [16, 16], 5, 2, 2)).toEqual([4, 4, 4, 4]);
    expect(windowPads('same', [16, 16], 5, 1, 2)).toEqual(windowPads('symmetric', [16, 16], 5, 1, 2));
  });

  it('changes no shape, parameter or MAC count: only where the zeros go', () => {
    expect(planTotals(plan('symmetric'))).toEqual(planTotals(plan('same')));
    expect(planTotals(searchNetworkPlan(DARTS_SPACE, 32, 'symmetric'))).toEqual(planTotals(searchNetworkPlan(DARTS_SPACE)));
    const same = plan('same').layers;
    expect(plan('symmetric').layers.some((l, i) => l.pads.join() !== same[i]?.pads.join())).toBe(true);
  });
});
