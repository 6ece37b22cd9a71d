// The fused kernels' WGSL programs (libs/engine-webgpu/src/batch-norm-*.ts, weighted-sum-*.ts) against the unfused
// composition on the cpu engine, forward and gradient, on tiny shapes (SwiftShader runs every dispatch on the CPU),
// and the number of GPU programs each dispatches.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { startKernelProfile, weightedSum } from '@approx-darts/kernels';
import { tableFromFunction } from '@approx-darts/multipliers';
import { batchNormCase, relativeError, reluCase, sgdCase, steCase, weightedSumCase, type Evaluated, type Side } from '../support/fused-reference';
import { webgpuForTests } from './webgpu-for-tests';

const engine = await webgpuForTests();

/** The case's fused kernel on webgpu, and its unfused reference on the cpu engine. */
const onBoth = async (run: (side: Side) => Promise<Evaluated>): Promise<{ readonly gpu: Evaluated; readonly cpu: Evaluated }> => {
  await tf.setBackend('webgpu');
  const gpu = await run('fused');
  await tf.setBackend('cpu');
  try {
    return { gpu, cpu: await run('reference') };
  } finally {
    await tf.setBackend('webgpu');
  }
};

describe.skipIf(engine === undefined)('fused kernels on webgpu agree with the unfused composition on cpu', () => {
  it.each([
    ['non-affine', [2, 2, 3, 3], false],
    ['affine', [1, 3, 2, 5], true],
  ] as const)('BatchNormTrain, %s: outputs and gradients', async (_, shape, affine) => {
    const { gpu, cpu } = await onBoth((side) => batchNormCase(side, [...shape], affine));
    expect(relativeError(gpu.outputs, cpu.outputs)).toBeLessThan(1e-5);
    expect(gpu.grads.length).toBe(affine ? 3 : 1);
    expect(relativeError(gpu.grads, cpu.grads)).toBeLessThan(1e-4);
  });

  it.each([
    ['7 candidates (two programs)', [2, 3], [2, 8], [1, 2, 3, 4, 5, 6, 7]],
    ['15 candidates and a repeated index', [5], [3, 8], [1, 2, 3, 4, 5, 6, 7, 17, 18, 19, 20, 21, 22, 23, 1]],
  ] as const)('WeightedSum, %s: sum and gradients', async (_, shape, weightsShape, indices) => {
    const { gpu, cpu } = await onBoth((side) => weightedSumCase(side, [...shape], [...weightsShape], indices));
    expect(relativeError(gpu.outputs, cpu.outputs)).toBeLessThan(1e-6);
    expect(gpu.grads.length).toBe(1 + indices.length);
    expect(relativeError(gpu.grads, cpu.grads)).toBeLessThan(1e-5);
  });

  it.each([
    ['conv2d', 'conv2d', 1],
    ['depthwise, dilation 2', 'depthwise', 2],
  ] as const)('approximate %s: the straight-through gradient from the saved operands', async (_, kind, dilation) => {
    // An approximate table: products truncated to their high byte.
    const table = tableFromFunction('truncated', (a, b) => (a * b) & 0xff00);
    const { gpu, cpu } = await onBoth((side) => steCase(side, kind, dilation, table));
    expect(relativeError(gpu.outputs, cpu.outputs)).toBe(0);
    expect(relativeError(gpu.grads, cpu.grads)).toBeLessThan(1e-5);
  });

  it.each([
    ['momentum', { momentum: 0.9, weightDecay: 3e-4, nesterov: false }],
    ['nesterov', { momentum: 0.9, weightDecay: 3e-4, nesterov: true }],
    ['plain', { momentum: 0, weightDecay: 0, nesterov: false }],
  ] as const)('SgdStep, %s: the variables after two steps', async (_, config) => {
    const { gpu, cpu } = await onBoth((side) => sgdCase(side, config));
    expect(gpu.outputs.length).toBe(3);
    expect(relativeError(gpu.outputs, cpu.outputs)).toBeLessThan(1e-6);
  });

  it('ReluBackward: the Relu gradient, NaN and signed zeros included', async () => {
    const { gpu, cpu } = await onBoth(reluCase);
    expect(Array.from(gpu.outputs[0] as Float32Array)).toEqual(Array.from(cpu.outputs[0] as Float32Array));
  });

  it('dispatches 4 programs per batch norm forward and one per 6 candidates of a weighted sum', async () => {
    const x = tf.randomNormal([2, 2, 2, 3], 0, 1, 'float32', 1);
    const w = tf.softmax(tf.randomNormal([8], 0, 1, 'float32', 2));
    const xs = [0, 1, 2, 3, 4, 5, 6].map((j) => tf.randomNormal([2, 3], 0, 1, 'float32', 3 + j));
    const { batchNormTrain } = await import('@approx-darts/kernels');
    const rm = tf.zeros([3]);
    const rv = tf.ones([3]);
    const p = startKernelProfile();
    const out = batchNormTrain(x, { mean: rm, variance: rv }, undefined, { epsilon: 1e-5, momentum: 0.1 });
    const forward = p.stop();
    const q = startKernelProfile();
    const sum = weightedSum(w, xs, [1, 2, 3, 4, 5, 6, 7]);
    const summed = q.stop();
    expect(forward).toMatchObject({ kernels: 1, dispatches: 4 });
    expect(summed).toMatchObject({ kernels: 1, dispatches: 2 });
    expect(Array.from(await out.runningVar.data()).every((v) => Number.isFinite(v))).toBe(true);
    tf.dispose([x, w, ...xs, rm, rv, out.y, out.runningMean, out.runningVar, sum]);
  });
});
