import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { DARTS_SPACE, edgesOf, type SearchSpace } from '@approx-darts/search-space';
import { beforeAll, describe, expect, it } from 'vitest';
import { countParameters, disposeParams } from './params';
import { buildSearchNetwork } from './search-network';

const tinySpace = (cells: number, channels: number): SearchSpace => ({ ...DARTS_SPACE, macro: { ...DARTS_SPACE.macro, cells, channels } });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('search network', () => {
  it('has the parameter count of the original DARTS search network (C=16, 8 cells, 10 classes)', () => {
    const net = buildSearchNetwork(DARTS_SPACE, { seed: 1 });
    // 1,930,618: the PyTorch parameter count of DARTS's model_search.Network(16, 10, 8) without alphas.
    expect(countParameters(net.store, 'weight')).toBe(1_930_618);
    expect(net.weights.reduce((n, v) => n + v.size, 0)).toBe(1_930_618);
    expect(net.alphas.normal.shape).toEqual([edgesOf(DARTS_SPACE.topology).length, 8]);
    disposeParams(net.store);
  });

  it('maps a batch to logits at every reduction, in both BN modes, with gradients for weights and alphas', () => {
    const net = buildSearchNetwork(tinySpace(3, 4), { seed: 2 });
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const logits = net.forward(x, 'train');
    expect(logits.shape).toEqual([2, 10]);
    expect(net.forward(x, 'eval').shape).toEqual([2, 10]);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(net.forward(x, 'train'))) as tf.Scalar, [...net.weights, net.alphas.normal, net.alphas.reduce]);
    const missing = [...net.weights, net.alphas.normal, net.alphas.reduce].filter((v) => grads[v.name] === undefined).map((v) => v.name);
    expect(missing).toEqual([]);
    const alphaGrad = tf.sum(tf.abs(grads[net.alphas.reduce.name]!)).dataSync()[0]!;
    expect(alphaGrad).toBeGreaterThan(0);
    tf.dispose([x, logits, ...Object.values(grads)]);
    disposeParams(net.store);
  });

  it('initializes alphas as 1e-3 * randn and reproducibly from the seed', () => {
    const a = buildSearchNetwork(tinySpace(2, 4), { seed: 7 });
    const b = buildSearchNetwork(tinySpace(2, 4), { seed: 7 });
    const va = Array.from(a.alphas.normal.dataSync());
    expect(va).toEqual(Array.from(b.alphas.normal.dataSync()));
    const std = Math.sqrt(va.reduce((s, v) => s + v * v, 0) / va.length);
    expect(std).toBeGreaterThan(3e-4);
    expect(std).toBeLessThan(3e-3);
    disposeParams(a.store);
    disposeParams(b.store);
  });
});
