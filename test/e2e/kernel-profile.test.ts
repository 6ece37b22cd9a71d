import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { startKernelProfile, sumProfiles, topKernels } from '@approx-darts/kernels';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// A loss with a customGrad op (softmax cross-entropy), a gradient tape (Identity clones of saved tensors) and casts.
const work = (): void => {
  const w = tf.variable(tf.randomNormal([4, 3], 0, 1, 'float32', 1));
  const x = tf.randomNormal([5, 4], 0, 1, 'float32', 2);
  const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1], 'int32'), 3);
  const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, tf.matMul(tf.relu(x), w)) as tf.Scalar, [w]);
  tf.dispose([value, ...Object.values(grads), x, labels, w]);
};

describe('startKernelProfile', () => {
  it('counts exactly the kernels tf.profile lists, by name', async () => {
    const reference = await tf.profile(work);
    const p = startKernelProfile();
    work();
    const counted = p.stop();
    expect(counted.kernels).toBe(reference.kernels.length);
    const byName = new Map<string, number>();
    for (const k of reference.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + 1);
    expect(Object.fromEntries(Object.entries(counted.byKernel).map(([k, v]) => [k, v.count]))).toEqual(Object.fromEntries(byName));
    expect(counted.byKernel['Identity']?.count).toBeGreaterThan(0);
  });

  it('reports no device counts on the cpu engine, and restores the engine on stop', () => {
    const p = startKernelProfile();
    tf.tidy(() => tf.add(tf.ones([2]), tf.ones([2])));
    const counted = p.stop();
    expect(counted).toMatchObject({ kernels: 1, dispatches: null, uploads: null, downloads: null });
    const again = startKernelProfile();
    again.stop();
    tf.tidy(() => tf.add(tf.ones([2]), tf.ones([2])));
    expect(again.stop().kernels).toBe(0);
  });

  it('refuses a second profile while one runs', () => {
    const p = startKernelProfile();
    expect(() => startKernelProfile()).toThrow(/already running/);
    p.stop();
  });

  it('sums profiles and lists the top kernels by count', () => {
    const a = { kernels: 3, dispatches: null, uploads: null, downloads: null, byKernel: { Add: { count: 2, ms: 1 }, Mul: { count: 1, ms: 2 } } };
    const b = { kernels: 2, dispatches: null, uploads: null, downloads: null, byKernel: { Mul: { count: 2, ms: 1 } } };
    const s = sumProfiles([a, b]);
    expect(s).toMatchObject({ kernels: 5, dispatches: null, byKernel: { Add: { count: 2, ms: 1 }, Mul: { count: 3, ms: 3 } } });
    expect(topKernels(s, 1)).toEqual([{ kernel: 'Mul', count: 3, ms: 3 }]);
    expect(sumProfiles([{ ...a, dispatches: 4, uploads: 1, downloads: 0 }, { ...b, dispatches: 5, uploads: 0, downloads: 2 }])).toMatchObject({ dispatches: 9, uploads: 1, downloads: 2 });
  });
});
