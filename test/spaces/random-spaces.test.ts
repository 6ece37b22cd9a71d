import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import * as E from 'fp-ts/Either';
import { bindMultiplier, convOp, DARTS_SPACE, decodeSearchSpace, dilConv, isNamedCanonically, multiplierOf, reductionCellsOf, sepConv, withMacro, withOpSets, CELL_TYPES, type SearchSpace } from '@approx-darts/search-space';
import { exactTable } from '@approx-darts/multipliers';
import {
  decodeGenotypeJson,
  derive,
  genotypeIssues,
  genotypeOperations,
  genotypeToDot,
  genotypeToJson,
  parsePythonGenotype,
  printPythonGenotype,
  type Genotype,
} from '@approx-darts/genotype';
import { evalNetworkPlan, planTotals, searchNetworkPlan } from '@approx-darts/network-plan';
import { buildEvalNetwork, buildSearchNetwork, countEvalParameters, countParameters, disposeParams } from '@approx-darts/networks';
import { selectEngine } from '@approx-darts/engines';
import { arbSpace, arbSpaceWithAlphas } from './random-space';

// Property tests over search spaces composed with the combinators (./random-space.ts): every stage takes them.
// Seeded, so a failure replays; fast-check prints the counterexample and its path.

beforeAll(async () => {
  await selectEngine('cpu');
});

describe('random search spaces', () => {
  test.prop([arbSpace], { seed: 2020, numRuns: 40 })('decode, and round-trip through JSON', (space) => {
    expect(decodeSearchSpace(space)).toEqual(E.right(space));
    expect(decodeSearchSpace(JSON.parse(JSON.stringify(space)))).toEqual(E.right(space));
  });

  test.prop([arbSpace], { seed: 2021, numRuns: 10 })('build a search network with the plan\'s parameter count, which maps a batch to logits', (space) => {
    const net = buildSearchNetwork(space, { seed: 1 });
    try {
      expect(countParameters(net.store, 'weight')).toBe(planTotals(searchNetworkPlan(space)).params);
      expect(net.alphas.normal.shape).toEqual([net.alphas.normal.shape[0], space.normal.length]);
      const logits = tf.tidy(() => net.forward(tf.zeros([1, 8, 8, 3]) as tf.Tensor4D, 'train').shape);
      expect(logits).toEqual([1, space.macro.classes]);
    } finally {
      disposeParams(net.store);
    }
  });
});

describe('random search spaces on approximate convolutions', () => {
  // Every op a space can bind (any odd kernel, any dilation, plain convs) through the approximate kernels, here on
  // the exact table: logits are finite and the alphas get a gradient.
  const binding = { table: exactTable(), quantization: 'asymmetric', perChannelWeights: false } as const;
  const runs = (drawn: SearchSpace): void => {
    const space = bindMultiplier('mul8u_1JFF')(drawn);
    const net = buildSearchNetwork(space, { seed: 3, bindingOf: (op) => (multiplierOf(op) === undefined ? null : binding) });
    try {
      const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(net.forward(x, 'train'))) as tf.Scalar, [net.alphas.normal, net.alphas.reduce]);
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      // A one-cell network has only its reduction cell, so only the reduce alphas enter the loss.
      expect(Object.keys(grads)).toHaveLength(reductionCellsOf(space.macro).length < space.macro.cells ? 2 : 1);
      tf.dispose([x, value, ...Object.values(grads)]);
    } finally {
      disposeParams(net.store);
    }
  };
  test.prop([arbSpace], { seed: 2025, numRuns: 6 })('run forward and backward', runs);
  it('including 9x9 sep convs, dilation-3 7x7 dil convs and 5x5 plain convs', () => {
    runs(withMacro({ cells: 2, channels: 2, reductions: [1] })(withOpSets({ normal: [sepConv(9), dilConv(7, 3)], reduce: [convOp(5), DARTS_SPACE.reduce[3]!] })(DARTS_SPACE)));
  });
});

describe('genotypes derived from random spaces', () => {
  test.prop([arbSpaceWithAlphas], { seed: 2022, numRuns: 40 })('are valid in their space and carry op sets exactly when names cannot rebuild them', ([space, alphas]) => {
    const g = derive(space)(alphas);
    expect(genotypeIssues(space)(g)).toEqual([]);
    for (const cell of CELL_TYPES) for (const edges of g[cell].nodes) expect(edges).toHaveLength(space.topology.edgesPerNode);
    const names = CELL_TYPES.flatMap((cell) => space[cell]);
    if (!names.every(isNamedCanonically)) expect(g.ops).toEqual({ normal: space.normal, reduce: space.reduce });
    // Whatever it carries, its names resolve to the space's ops, structure for structure.
    const sets = genotypeOperations(g);
    expect(E.isRight(sets)).toBe(true);
    if (E.isRight(sets))
      for (const cell of CELL_TYPES)
        for (const op of sets.right[cell]) expect({ ...op, multiplier: undefined }).toEqual({ ...space[cell].find((o) => o.name === op.name), multiplier: undefined });
  });

  test.prop([arbSpaceWithAlphas], { seed: 2023, numRuns: 40 })('round-trip through the JSON, Python and Graphviz codecs', ([space, alphas]) => {
    const g = derive(space)(alphas);
    expect(decodeGenotypeJson(JSON.parse(JSON.stringify(genotypeToJson(g))))).toEqual(E.right(g));
    // The Python string holds names only; everything else comes back.
    const { ops: _ops, ...names } = g;
    expect(parsePythonGenotype(printPythonGenotype(g))).toEqual(E.right(names));
    // Graphviz is output only: read its edges back and compare.
    const dot = genotypeToDot(g, space.topology.inputs);
    const drawn = (cell: string): readonly string[] =>
      [...dot.matchAll(new RegExp(`"${cell}_(\\d+)" -> "${cell}_(\\d+)" \\[label="([^"]+)"\\]`, 'g'))].map((m) => `${m[3]}(${m[1]})->${m[2]}`);
    const kept = (g2: Genotype, cell: 'normal' | 'reduce'): readonly string[] =>
      g2[cell].nodes.flatMap((edges, node) => edges.map((e) => `${e.op}(${e.input})->${node + space.topology.inputs}`));
    for (const cell of CELL_TYPES) expect(drawn(cell)).toEqual(kept(g, cell));
  });

  test.prop([arbSpaceWithAlphas, fc.constantFrom(null, 'mul8u_NGR')], { seed: 2024, numRuns: 15 })(
    'build an evaluation network with the plan\'s parameter count',
    ([space, alphas], multiplier) => {
      const g = derive(space)(alphas);
      const plan = evalNetworkPlan(g, { ...space.macro, auxiliary: false, multiplier });
      expect(E.isRight(plan)).toBe(true);
      const net = buildEvalNetwork({ genotype: g, macro: space.macro, seed: 2, auxiliary: false, approx: null });
      try {
        if (E.isRight(plan)) expect(countEvalParameters(net)).toBe(planTotals(plan.right).params);
      } finally {
        disposeParams(net.store);
      }
    },
  );
});
