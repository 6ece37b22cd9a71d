import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { DARTS_SPACE, type SearchSpace } from '@approx-darts/search-space';
import { exactTable, tableFromFunction } from '@approx-darts/multipliers';
import { searchEnergyTable } from '@approx-darts/energy';
import { TINY_SEARCH_PLAN } from '@approx-darts/schedule';
import { buildSearchNetwork, disposeParams } from '@approx-darts/networks';
import type { ApproxBinding } from '@approx-darts/kernels';
import { bindOptimizer, disposeOptimizer } from '@approx-darts/optimizers';
import { alphaParams, architectureStep, gradientsOf, readBatchStats, weightParams, weightStep } from './bilevel-step';
import { energyPenalty } from './energy-penalty';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Two cells are both reduction cells (at 1/3 and 2/3 of the depth), so the reduce betas are the ones in use.
const space: SearchSpace = { ...DARTS_SPACE, macro: { ...DARTS_SPACE.macro, cells: 2, channels: 2 } };
const bind = (table: ApproxBinding['table']): ApproxBinding => ({ table, quantization: 'asymmetric', perChannelWeights: false });
const bindings = [bind(exactTable()), bind(tableFromFunction('mul8u_COARSE', (a, b) => (a * b) & 0xff00)), null];
const table = searchEnergyTable(space, [
  { name: 'mul8u_1JFF', powerMw: 0.391 },
  { name: 'mul8u_COARSE', powerMw: 0.1 },
  { name: 'fp32', powerMw: null },
]);

describe('an energy-aware architecture step', () => {
  it('gives the betas a gradient from the validation loss alone and moves them towards cheaper multipliers under the energy term', async () => {
    const net = buildSearchNetwork(space, { seed: 2, multipliers: bindings });
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const y = tf.tensor1d([1, 7], 'int32');
    const betas = net.betas;
    expect(betas?.reduce.shape).toEqual([14, 4, 3]);
    const plain = gradientsOf(net, { x, y }, alphaParams(net));
    const g = (await plain.grads['betas.reduce']?.data()) ?? new Float32Array();
    expect(Math.max(...Array.from(g, Math.abs))).toBeGreaterThan(0);
    tf.dispose([...Object.values(plain.grads), plain.stats.loss, plain.stats.correct]);
    // A huge energy weight dominates: the fp32 column (the most expensive) must lose weight, the coarse one gain.
    const penalty = energyPenalty(net, table, 1e4);
    const { grads } = gradientsOf(net, { x, y }, alphaParams(net), penalty.fn);
    const gb = (await grads['betas.reduce']?.array()) as number[][][];
    const [exact = 0, coarse = 0, fp32 = 0] = [0, 1, 2].map((m) => gb.flat().reduce((s, r) => s + (r[m] ?? 0), 0));
    expect(fp32).toBeGreaterThan(0); // gradient descent lowers it
    expect(coarse).toBeLessThan(0);
    expect(exact).toBeGreaterThan(coarse);
    tf.dispose(Object.values(grads));
    penalty.dispose();
    tf.dispose([x, y]);
    disposeParams(net.store);
  });

  it('leaves no tensor behind across steps', async () => {
    const net = buildSearchNetwork(space, { seed: 3, multipliers: bindings });
    const penalty = energyPenalty(net, table, 10);
    const wOpt = bindOptimizer(TINY_SEARCH_PLAN.weights, weightParams(net));
    const aOpt = bindOptimizer(TINY_SEARCH_PLAN.architecture, alphaParams(net));
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const y = tf.tensor1d([1, 7], 'int32');
    const step = () => readBatchStats([architectureStep(net, { x, y }, aOpt, 3e-3, undefined, penalty.fn), weightStep(net, { x, y }, wOpt, 0.01)]);
    const before = (await net.betas?.reduce.data()) ?? new Float32Array();
    await step(); // optimizer slots are created on the first step
    const count = tf.memory().numTensors;
    await step();
    await step();
    expect(tf.memory().numTensors).toBe(count);
    expect(Array.from((await net.betas?.reduce.data()) ?? [])).not.toEqual(Array.from(before));
    penalty.dispose();
    disposeOptimizer(wOpt);
    disposeOptimizer(aOpt);
    tf.dispose([x, y]);
    disposeParams(net.store);
  });
});
