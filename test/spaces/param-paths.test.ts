import { beforeAll, describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import * as E from 'fp-ts/Either';
import { DARTS_SPACE, withMacro } from '@approx-darts/search-space';
import { DARTS_V1, DARTS_V2, derive, type Genotype } from '@approx-darts/genotype';
import { evalNetworkPlan, searchNetworkPlan, type NetworkPlan } from '@approx-darts/network-plan';
import { buildEvalNetwork, buildSearchNetwork, disposeParams, type ParamStore } from '@approx-darts/networks';
import { selectEngine } from '@approx-darts/engines';
import { arbSpace } from './random-space';

// The plan (libs/network-plan) and the tfjs networks (libs/networks) wire cells from one description
// (libs/network-plan/src/cell-wiring.ts); this checks they agree path by path, not only in total: every planned layer
// with parameters names exactly the weights the store holds under that path, and nothing is left over.

beforeAll(async () => {
  await selectEngine('cpu');
});

/** Planned parameters per layer path (layers without parameters left out). */
const planned = (plan: NetworkPlan): Record<string, number> =>
  Object.fromEntries(plan.layers.filter((l) => l.params > 0).map((l) => [l.path, l.params]));

/** Trained weights per layer path: a linear or BN layer's `.weight` and `.bias` count towards the layer. */
const stored = (store: ParamStore): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [name, entry] of store.entries) {
    if (entry.role !== 'weight') continue;
    const layer = name.replace(/\.(weight|bias)$/, '');
    out[layer] = (out[layer] ?? 0) + entry.variable.size;
  }
  return out;
};

const tiny = (cells: number, channels: number) => withMacro({ cells, channels });

describe('parameter paths: plan and tfjs store', () => {
  test.prop([arbSpace], { seed: 2031, numRuns: 8 })('agree per path for search networks of random spaces', (space) => {
    const net = buildSearchNetwork(space, { seed: 3 });
    try {
      expect(stored(net.store)).toEqual(planned(searchNetworkPlan(space)));
    } finally {
      disposeParams(net.store);
    }
  });

  test.prop([fc.constantFrom(DARTS_V1, DARTS_V2), fc.boolean()], { seed: 2032, numRuns: 4 })('agree per path for evaluation networks, with and without the auxiliary head', (genotype: Genotype, auxiliary) => {
    const macro = { cells: 5, channels: 8, stemMultiplier: 3, classes: 10 };
    const plan = evalNetworkPlan(genotype, { channels: macro.channels, cells: macro.cells, auxiliary });
    if (E.isLeft(plan)) throw new Error(plan.left.message);
    const net = buildEvalNetwork({ genotype, macro, seed: 0, auxiliary, approx: null });
    try {
      expect(stored(net.store)).toEqual(planned(plan.right));
    } finally {
      disposeParams(net.store);
    }
  });

  test.prop([fc.array(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }), { minLength: 14, maxLength: 14 })], { seed: 2033, numRuns: 4 })(
    'agree per path for the evaluation network of a derived genotype',
    (rows) => {
      const space = tiny(5, 8)(DARTS_SPACE);
      const genotype = derive(space)({ normal: rows, reduce: rows });
      const plan = evalNetworkPlan(genotype, { channels: 8, cells: 5 });
      if (E.isLeft(plan)) throw new Error(plan.left.message);
      const net = buildEvalNetwork({ genotype, macro: space.macro, seed: 0, auxiliary: false, approx: null });
      try {
        expect(stored(net.store)).toEqual(planned(plan.right));
      } finally {
        disposeParams(net.store);
      }
    },
  );
});
