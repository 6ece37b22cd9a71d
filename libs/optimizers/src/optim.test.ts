import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import type { OptimizerConfig } from '@approx-darts/schedule';
import { applyUpdates, createOptimizer } from './optimizer';
import { bindOptimizer, disposeOptimizer, namedParams, restoreOptimizerState, savedOptimizerState, stepOptimizer } from './bound-optimizer';
import { logicalOptimizerKey } from './checkpoint-keys';
import { ADAM_STEP } from './adam';
import { clipByGlobalNorm, globalNormSquared } from './clip';
import { withoutSyncReads } from '@approx-darts/kernels/testing';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

let counter = 0;
const variable = (values: readonly number[]): tf.Variable => tf.variable(tf.tensor1d([...values]), true, `w${counter++}`);
const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

const sgd = (momentum: number, weightDecay: number, nesterov = false): OptimizerConfig => ({
  kind: 'sgd',
  lr: { kind: 'constant', lr: 0.1 },
  momentum,
  weightDecay,
  nesterov,
});
const adam = (beta1: number, beta2: number, weightDecay: number): OptimizerConfig => ({
  kind: 'adam',
  lr: { kind: 'constant', lr: 0.01 },
  beta1,
  beta2,
  weightDecay,
});

/** Plain-number PyTorch SGD (torch.optim.SGD, dampening 0) on one scalar parameter. */
const torchSgd = (w0: number, grads: readonly number[], lr: number, m: number, wd: number, nesterov: boolean): number => {
  let w = w0;
  let buf: number | undefined;
  for (const g of grads) {
    let d = g + wd * w;
    if (m !== 0) {
      buf = buf === undefined ? d : m * buf + d;
      d = nesterov ? d + m * buf : buf;
    }
    w -= lr * d;
  }
  return w;
};

/** Plain-number PyTorch Adam (torch.optim.Adam, amsgrad off) on one scalar parameter. */
const torchAdam = (w0: number, grads: readonly number[], lr: number, b1: number, b2: number, wd: number, eps = 1e-8): number => {
  let w = w0;
  let m = 0;
  let v = 0;
  grads.forEach((g0, i) => {
    const step = i + 1;
    const g = g0 + wd * w;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    const denom = Math.sqrt(v) / Math.sqrt(1 - b2 ** step) + eps;
    w -= (lr / (1 - b1 ** step)) * (m / denom);
  });
  return w;
};

const run = (config: OptimizerConfig, w0: readonly number[], grads: readonly (readonly number[])[], lr: number): number[] => {
  const w = variable(w0);
  const opt = bindOptimizer(config, { w });
  for (const g of grads) tf.tidy(() => stepOptimizer(opt, { w: tf.tensor1d([...g]) }, lr));
  const out = values(w);
  disposeOptimizer(opt);
  w.dispose();
  return out;
};

describe('SGD (PyTorch semantics)', () => {
  it('matches two steps worked by hand', () => {
    // w=1, g=0.5, wd=0.1, m=0.9, lr=0.1: d=0.6, buf=0.6, w=0.94; then d=0.5+0.094=0.594, buf=0.54+0.594=1.134, w=0.8266.
    const [w] = run(sgd(0.9, 0.1), [1], [[0.5], [0.5]], 0.1);
    expect(w).toBeCloseTo(0.8266, 6);
  });

  it('plain SGD without momentum or decay is w - lr*g', () => {
    expect(run(sgd(0, 0), [2, -1], [[1, 3]], 0.5)).toEqual([1.5, -2.5]);
  });

  test.prop(
    [
      fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 6 }),
      fc.constantFrom(0, 0.9),
      fc.constantFrom(0, 3e-4, 0.1),
      fc.boolean(),
    ],
    { numRuns: 25 },
  )('matches torch.optim.SGD step by step', (grads, m, wd, nesterov) => {
    const lr = 0.05;
    const [w] = run(sgd(m, wd, nesterov && m > 0), [0.7], grads.map((g) => [g]), lr);
    expect(w).toBeCloseTo(torchSgd(0.7, grads, lr, m, wd, nesterov && m > 0), 4);
  });
});

describe('Adam (PyTorch semantics, coupled L2 decay)', () => {
  it('first step moves by lr*sign(g) thanks to bias correction', () => {
    // m_hat = g and v_hat = g^2 after one step, so the update is lr * g / (|g| + eps).
    const [a, b] = run(adam(0.5, 0.999, 0), [1, 1], [[0.5, -0.003]], 0.01);
    expect(a).toBeCloseTo(0.99, 6);
    expect(b).toBeCloseTo(1.01, 5);
  });

  test.prop(
    [fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 6 }), fc.constantFrom(0, 1e-3, 0.1)],
    { numRuns: 25 },
  )('matches torch.optim.Adam step by step', (grads, wd) => {
    const [w] = run(adam(0.5, 0.999, wd), [0.3], grads.map((g) => [g]), 1e-2);
    expect(w).toBeCloseTo(torchAdam(0.3, grads, 1e-2, 0.5, 0.999, wd), 4);
  });
});

describe('state save / restore', () => {
  const continuation = async (config: OptimizerConfig): Promise<void> => {
    const grads = [[0.5, -1], [0.2, 0.3], [-0.4, 0.1], [1, 1]];
    const reference = run(config, [1, 2], grads, 0.1);

    // Two steps, snapshot state and weights, then continue with a brand-new optimizer restored from them.
    const w = variable([1, 2]);
    const first = bindOptimizer(config, { w });
    for (const g of grads.slice(0, 2)) tf.tidy(() => stepOptimizer(first, { w: tf.tensor1d(g) }, 0.1));
    const saved = savedOptimizerState(first);
    disposeOptimizer(first);
    const second = bindOptimizer(config, { w });
    await restoreOptimizerState(second, saved);
    for (const t of Object.values(saved)) t.dispose();
    for (const g of grads.slice(2)) tf.tidy(() => stepOptimizer(second, { w: tf.tensor1d(g) }, 0.1));
    expect(values(w)).toEqual(reference);
    disposeOptimizer(second);
    w.dispose();
  };

  it('SGD continues identically', () => continuation(sgd(0.9, 3e-4)));
  it('Adam continues identically (moments and step count)', () => continuation(adam(0.5, 0.999, 1e-3)));

  it('restore rejects missing or misshapen state', async () => {
    const w = variable([1, 2]);
    const opt = bindOptimizer(sgd(0.9, 0), { w });
    await expect(restoreOptimizerState(opt, {})).rejects.toThrow(/missing 'momentum\/w/);
    await expect(restoreOptimizerState(opt, { 'momentum/w': tf.zeros([3]) })).rejects.toThrow(/shape \[3\], expected \[2\]/);
    const withAdam = bindOptimizer(adam(0.5, 0.999, 0), { w });
    await expect(restoreOptimizerState(withAdam, {})).rejects.toThrow(/missing 'adam\.m\/w/);
    disposeOptimizer(opt);
    disposeOptimizer(withAdam);
  });

  it('Adam restores its step count without a synchronous read', async () => {
    const w = variable([1, 2]);
    const first = bindOptimizer(adam(0.5, 0.999, 0), { w });
    for (let i = 0; i < 3; i++) tf.tidy(() => stepOptimizer(first, { w: tf.tensor1d([0.5, -1]) }, 0.1));
    const saved = savedOptimizerState(first);
    expect(values(saved[ADAM_STEP]!)).toEqual([3]);
    const second = bindOptimizer(adam(0.5, 0.999, 0), { w });
    await withoutSyncReads(() => restoreOptimizerState(second, saved));
    // Step 4 with the restored count moves w exactly as the original optimizer's step 4 does.
    const twin = variable(values(w));
    tf.tidy(() => stepOptimizer(first, { w: tf.tensor1d([0.25, 0.25]) }, 0.1));
    const expected = values(w);
    w.assign(tf.tensor1d(values(twin)));
    tf.tidy(() => stepOptimizer(second, { w: tf.tensor1d([0.25, 0.25]) }, 0.1));
    expect(values(w)).toEqual(expected);
    tf.dispose([...Object.values(saved), twin]);
    disposeOptimizer(first);
    disposeOptimizer(second);
  });

  it('leaves variables without a gradient unchanged and does not leak tensors', () => {
    const a = variable([1]);
    const b = variable([5]);
    const opt = bindOptimizer(adam(0.9, 0.999, 0.1), { a, b });
    const before = tf.memory().numTensors;
    tf.tidy(() => stepOptimizer(opt, { a: tf.tensor1d([1]) }, 0.1));
    expect(tf.memory().numTensors).toBe(before);
    expect(values(b)).toEqual([5]);
    expect(values(a)[0]).toBeLessThan(1);
  });

  it('frees everything it made when disposed', () => {
    const w = variable([1, 2]);
    const before = tf.memory().numTensors;
    for (const config of [sgd(0.9, 0), adam(0.5, 0.999, 0)]) {
      const opt = bindOptimizer(config, { w });
      tf.tidy(() => stepOptimizer(opt, { w: tf.tensor1d([1, 1]) }, 0.1));
      disposeOptimizer(opt);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a variable listed twice, and one that is not a parameter of the store', () => {
    const a = variable([1]);
    const entries = new Map([['a', { name: 'a', variable: a }]]);
    expect(() => namedParams(entries, [a, a])).toThrow(/listed twice/);
    expect(() => namedParams(entries, [variable([2])])).toThrow(/not a parameter/);
    expect(namedParams(entries, [a])).toEqual({ a });
  });
});

describe('update, then apply (optax style)', () => {
  const configs = [sgd(0.9, 3e-4), sgd(0.9, 0.1, true), sgd(0, 3e-4), adam(0.5, 0.999, 1e-3), adam(0.9, 0.999, 0)];

  test.prop([fc.constantFrom(...configs), fc.array(fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 4 })], {
    numRuns: 30,
  })('update + applyUpdates gives bit for bit what the (fused) step gives, and the same state', (config, grads) => {
    const [wFused, wSplit] = [variable([0.7, -1.3]), variable([0.7, -1.3])];
    const fused = bindOptimizer(config, { w: wFused });
    const optimizer = createOptimizer(config);
    let state = optimizer.init({ w: wSplit });
    for (const [i, g] of grads.entries()) {
      const lr = 0.1 / (i + 1);
      tf.tidy(() => stepOptimizer(fused, { w: tf.tensor1d(g) }, lr));
      const gradient = tf.tensor1d(g);
      const next = optimizer.update({ w: gradient }, state, { w: wSplit }, lr);
      applyUpdates({ w: wSplit }, next.updates);
      tf.dispose([gradient, ...Object.values(next.updates), ...Object.values(state.slots)]);
      state = next.state;
    }
    expect(values(wSplit)).toEqual(values(wFused));
    expect(state.count).toBe(fused.state.count);
    expect(Object.keys(state.slots).sort()).toEqual(Object.keys(fused.state.slots).sort());
    for (const [key, t] of Object.entries(state.slots)) expect(values(t), key).toEqual(values(fused.state.slots[key]!));
    tf.dispose([...Object.values(state.slots), wFused, wSplit]);
    disposeOptimizer(fused);
  });

  it('update touches neither the parameters nor the state it is given', () => {
    for (const config of configs) {
      const w = variable([1, 2]);
      const b = bindOptimizer(config, { w });
      stepOptimizer(b, { w: tf.tensor1d([0.5, -0.5]) }, 0.1);
      const [wBefore, slotsBefore, countBefore] = [values(w), Object.values(b.state.slots).map(values), b.state.count];
      const g = tf.tensor1d([0.25, 1]);
      const next = b.optimizer.update({ w: g }, b.state, b.params, 0.1);
      expect(values(w)).toEqual(wBefore);
      expect(Object.values(b.state.slots).map(values)).toEqual(slotsBefore);
      expect(b.state.count).toBe(countBefore);
      expect(next.state.count).toBe(countBefore + 1);
      expect(values(next.updates['w']!).some((u) => u !== 0)).toBe(true);
      tf.dispose([g, ...Object.values(next.updates), ...Object.values(next.state.slots).filter((t) => !Object.values(b.state.slots).includes(t))]);
      disposeOptimizer(b);
      w.dispose();
    }
  });
});

describe('saved optimizer keys', () => {
  it('are logical names; keys of checkpoints from before (tfjs variable names behind a token) translate to them', () => {
    const w = variable([1, 2]);
    const b = bindOptimizer(adam(0.5, 0.999, 0), { 'cells.0.pre0.conv': w });
    const saved = savedOptimizerState(b);
    expect(Object.keys(saved).sort()).toEqual(['adam.m/cells.0.pre0.conv', 'adam.v/cells.0.pre0.conv', ADAM_STEP]);
    expect(logicalOptimizerKey('momentum/$net/cells.0.pre0.conv')).toBe('momentum/cells.0.pre0.conv');
    expect(logicalOptimizerKey('adam.m/cells.0.pre0.conv')).toBe('adam.m/cells.0.pre0.conv');
    expect(logicalOptimizerKey(ADAM_STEP)).toBe(ADAM_STEP);
    tf.dispose(Object.values(saved));
    disposeOptimizer(b);
  });
});

describe('clipByGlobalNorm', () => {
  it('scales to maxNorm when the global norm exceeds it, on the device', async () => {
    // Norm of (3, 4) and (12) is 13.
    const { grads, normSquared } = await withoutSyncReads(async () => clipByGlobalNorm({ a: tf.tensor1d([3, 4]), b: tf.tensor1d([12]) }, 5));
    expect(values(normSquared)[0]).toBeCloseTo(169, 4);
    const scale = 5 / (13 + 1e-6);
    expect(values(grads['a']!)).toEqual([3, 4].map((v) => expect.closeTo(v * scale, 5)));
    expect(values(grads['b']!)[0]).toBeCloseTo(12 * scale, 5);
  });

  it('leaves no tensors behind but its results, and reports 0 for no gradients', () => {
    const g = tf.tensor1d([1, 2]);
    const before = tf.memory().numTensors;
    const { grads, normSquared } = clipByGlobalNorm({ g }, 1);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([grads['g']!, normSquared, g]);
    const none = clipByGlobalNorm({}, 1);
    expect(none.grads).toEqual({});
    expect(values(none.normSquared)).toEqual([0]);
    const squared = globalNormSquared([tf.tensor1d([3, 4]), tf.tensor1d([12])]);
    expect(values(squared)).toEqual([169]);
    tf.dispose([none.normSquared, squared]);
  });

  it('sums many gradients 7 at a time (webgpu binds at most 8 buffers), in the order of one AddN over all', () => {
    const grads = Array.from({ length: 20 }, (_, i) => tf.tensor1d([Math.fround(0.1 * (i + 1)), Math.fround(1 / (i + 3))]));
    const addNs: number[] = [];
    const run = tf.engine().runKernel.bind(tf.engine());
    tf.engine().runKernel = ((name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap) => {
      if (name === 'AddN') addNs.push(Object.keys(inputs).length);
      return run(name, inputs, attrs);
    }) as typeof run;
    const squared = globalNormSquared(grads);
    tf.engine().runKernel = run;
    expect(Math.max(...addNs)).toBeLessThanOrEqual(7);
    const reference = tf.tidy(() => tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
    expect(values(squared)).toEqual(values(reference));
    tf.dispose([...grads, squared, reference]);
  });

  test.prop([fc.array(fc.float({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 10 }), fc.float({ min: Math.fround(0.1), max: 20, noNaN: true })], {
    numRuns: 30,
  })('never returns a norm above maxNorm and leaves small gradients alone', (g, maxNorm) => {
    const input = tf.tensor1d(g);
    const { grads, normSquared } = clipByGlobalNorm({ g: input }, maxNorm);
    const norm = Math.sqrt(values(normSquared)[0]!);
    const outNorm = Math.hypot(...values(grads['g']!));
    expect(outNorm).toBeLessThanOrEqual(maxNorm * (1 + 1e-5));
    if (norm + 1e-6 <= maxNorm) expect(values(grads['g']!)).toEqual(values(input));
    tf.dispose([input, grads['g']!, normSquared]);
  });
});
