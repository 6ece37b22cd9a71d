import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableFromFunction } from '@approx-darts/multipliers';
import { batchNormCase, relativeError, reluCase, sgdCase, steCase, weightedSumCase } from '../support/fused-reference';
import { bindOptimizer, disposeOptimizer, stepOptimizer } from '@approx-darts/optimizers';
import { registerApproxKernels } from '@approx-darts/kernels';
import { startKernelProfile } from '@approx-darts/kernels';
import { weightedSum } from '@approx-darts/kernels';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('BatchNormTrain (cpu) agrees with the unfused composition', () => {
  it.each([
    ['non-affine NHWC', [2, 3, 3, 4], false],
    ['affine NHWC', [2, 3, 3, 4], true],
    ['one value per channel (n = 1)', [1, 1, 1, 3], false],
    ['affine, 2-D', [5, 6], true],
  ] as const)('%s: outputs and gradients', async (_, shape, affine) => {
    const [fused, reference] = [await batchNormCase('fused', [...shape], affine), await batchNormCase('reference', [...shape], affine)];
    expect(fused.outputs.length).toBe(3);
    expect(relativeError(fused.outputs, reference.outputs)).toBeLessThan(1e-5);
    expect(fused.grads.length).toBe(affine ? 3 : 1);
    expect(relativeError(fused.grads, reference.grads)).toBeLessThan(1e-4);
  });
});

describe('WeightedSum (cpu) agrees with slice, multiply and addN', () => {
  it.each([
    ['one candidate', [2, 3], [4], [2]],
    ['7 candidates of an [edges, ops] matrix, none skipped', [2, 2, 2, 3], [2, 8], [1, 2, 3, 4, 5, 6, 7]],
    ['15 candidates over two edges (more than one webgpu program)', [3, 4], [3, 8], [1, 2, 3, 4, 5, 6, 7, 17, 18, 19, 20, 21, 22, 23, 16]],
    ['a repeated index', [4], [3], [0, 2, 0]],
  ] as const)('%s: the sum bit for bit, gradients of weights and candidates', async (_, shape, weightsShape, indices) => {
    const [fused, reference] = [await weightedSumCase('fused', [...shape], [...weightsShape], indices), await weightedSumCase('reference', [...shape], [...weightsShape], indices)];
    expect(fused.outputs).toEqual(reference.outputs);
    expect(fused.grads.length).toBe(1 + indices.length);
    expect(relativeError(fused.grads, reference.grads)).toBeLessThan(1e-5);
  });

  it('is one kernel forward, and one per candidate plus one for the weights backward', () => {
    const w = tf.softmax(tf.randomNormal([2, 8], 0, 1, 'float32', 1));
    const xs = [0, 1, 2].map((j) => tf.randomNormal([2, 3], 0, 1, 'float32', j));
    const p = startKernelProfile();
    const g = tf.grads((ww: tf.Tensor, a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => weightedSum(ww, [a, b, c], [1, 2, 9]))([w, ...xs]);
    const counted = p.stop();
    expect(counted.byKernel['WeightedSum']?.count).toBe(1 + 3);
    expect(counted.byKernel['WeightedSumWeightGrad']?.count).toBe(1);
    tf.dispose([w, ...xs, ...g]);
  });

  it('refuses indices outside the weights and a count mismatch', () => {
    const w = tf.ones([3]);
    const x = tf.ones([2]);
    expect(() => weightedSum(w, [x], [3])).toThrow(/index 3 is outside the 3 weights/);
    expect(() => weightedSum(w, [x, x], [0])).toThrow(/2 candidates and 1 indices/);
    tf.dispose([w, x]);
  });
});

describe('the approximate convolutions save their straight-through operands (cpu)', () => {
  it.each([
    ['conv2d, per-channel weights', 'conv2d', 1],
    ['depthwise', 'depthwise', 1],
    ['depthwise, dilation 2', 'depthwise', 2],
  ] as const)('%s: the gradient equals the one rebuilt op by op, bit for bit', async (_, kind, dilation) => {
    // An approximate table: products truncated to their high byte.
    const table = tableFromFunction('truncated', (a, b) => (a * b) & 0xff00);
    const [fused, reference] = [await steCase('fused', kind, dilation, table), await steCase('reference', kind, dilation, table)];
    expect(fused.outputs).toEqual(reference.outputs);
    expect(fused.grads.length).toBe(2);
    expect(fused.grads).toEqual(reference.grads);
    expect(Math.max(...Array.from(fused.grads[1] as Float32Array, Math.abs))).toBeGreaterThan(0);
  });
});

describe('SgdStep (cpu) is the op-by-op SGD update bit for bit', () => {
  it.each([
    ['momentum and weight decay', { momentum: 0.9, weightDecay: 3e-4, nesterov: false }],
    ['nesterov', { momentum: 0.9, weightDecay: 3e-4, nesterov: true }],
    ['plain', { momentum: 0, weightDecay: 0, nesterov: false }],
  ] as const)('%s: the variables after two steps', async (_, config) => {
    const [fused, reference] = [await sgdCase('fused', config), await sgdCase('reference', config)];
    expect(fused.outputs.length).toBe(3);
    expect(fused.outputs).toEqual(reference.outputs);
  });

  it('updates every variable with a gradient in one kernel and leaves the others', async () => {
    const vs = [tf.variable(tf.ones([2]), true, `sgd-one-a-${Math.random()}`), tf.variable(tf.ones([3]), true, `sgd-one-b-${Math.random()}`)];
    const sgd = bindOptimizer({ kind: 'sgd', lr: { kind: 'constant', lr: 0.1 }, momentum: 0.9, weightDecay: 0, nesterov: false }, { a: vs[0] as tf.Variable, b: vs[1] as tf.Variable });
    const g = tf.ones([2]);
    const p = startKernelProfile();
    stepOptimizer(sgd, { a: g }, 0.5);
    expect(p.stop()).toMatchObject({ kernels: 1, byKernel: { SgdStep: { count: 1 } } });
    expect(Array.from(await (vs[0] as tf.Variable).data())).toEqual([0.5, 0.5]);
    expect(Array.from(await (vs[1] as tf.Variable).data())).toEqual([1, 1, 1]);
    disposeOptimizer(sgd);
    tf.dispose([...vs, g]);
  });
});

describe('the Relu gradient (cpu)', () => {
  it('is one ReluBackward kernel, bit for bit tfjs-core\'s mul(dy, cast(step(x)))', async () => {
    registerApproxKernels();
    const [fused, reference] = [await reluCase('fused'), await reluCase('reference')];
    expect(fused.outputs).toEqual(reference.outputs);
    const x = tf.ones([3]);
    const p = startKernelProfile();
    const g = tf.grad((v: tf.Tensor) => tf.relu(v))(x);
    expect(p.stop().byKernel).toMatchObject({ Relu: { count: 1 }, ReluBackward: { count: 1 } });
    expect(Array.from(await g.data())).toEqual([1, 1, 1]);
    tf.dispose([x, g]);
  });
});
