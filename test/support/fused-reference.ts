import * as tf from '@tensorflow/tfjs-core';
import { geometryFor, type ConvKind } from '@approx-darts/approx-conv';
import type { MultiplierTable } from '@approx-darts/multipliers';
import { conv2d, depthwiseConv2d } from '@approx-darts/kernels';
import { paddingOf, validConvVjp } from '@approx-darts/kernels';
import { fakeQuantizeActivations, fakeQuantizeWeights } from '@approx-darts/kernels';
import { batchNormTrain } from '@approx-darts/kernels';
import { bindOptimizer, disposeOptimizer, stepOptimizer } from '@approx-darts/optimizers';
import { weightedSum } from '@approx-darts/kernels';

// The unfused compositions the fused kernels replace, op by op as libs/networks/src/search-network/batch-norm.ts and
// mixed-op.ts / search-cell.ts computed them, and a harness that evaluates a fused kernel and its reference, forward
// and gradient, on whichever engine is active: the agreement tests of both engines share it.

const MOMENTUM = 0.1;
const EPSILON = 1e-5;

/** The train branch of batch-norm.ts before BatchNormTrain: tf.moments, normalization, running updates. */
const batchNormReference = (x: tf.Tensor, rm: tf.Tensor, rv: tf.Tensor, gamma?: tf.Tensor, beta?: tf.Tensor): tf.Tensor[] => {
  const channels = x.shape[x.shape.length - 1] as number;
  const m = tf.moments(x, [...Array(x.rank - 1).keys()]);
  const n = x.size / channels;
  const runningMean = tf.add(tf.mul(rm, 1 - MOMENTUM), tf.mul(m.mean, MOMENTUM));
  const runningVar = tf.add(tf.mul(rv, 1 - MOMENTUM), tf.mul(m.variance, (MOMENTUM * n) / Math.max(n - 1, 1)));
  const normalized = tf.mul(tf.sub(x, m.mean), tf.rsqrt(tf.add(m.variance, EPSILON)));
  return [gamma && beta ? tf.add(tf.mul(normalized, gamma), beta) : normalized, runningMean, runningVar];
};

/** Outputs (y, running mean, running variance) and the gradients of sum(y * probe) w.r.t. x [, gamma, beta]. */
export interface Evaluated {
  readonly outputs: readonly Float32Array[];
  readonly grads: readonly Float32Array[];
}

const evaluate = async (f: (...inputs: tf.Tensor[]) => tf.Tensor[], wrt: tf.Tensor[], probe: tf.Tensor): Promise<Evaluated> => {
  const outputs = tf.tidy(() => f(...wrt));
  const grads = tf.tidy(() => tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs)[0] as tf.Tensor, probe)))(wrt));
  const read = (ts: tf.Tensor[]) => Promise.all(ts.map(async (t) => Float32Array.from(await t.data())));
  const result = { outputs: await read(outputs), grads: await read(grads) };
  tf.dispose([...outputs, ...grads]);
  return result;
};

const seeded = (shape: number[], seed: number, scale = 1, offset = 0): tf.Tensor => tf.tidy(() => tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), scale), offset));

/** Which side of a case to evaluate: the fused kernel or the unfused composition it replaces. */
export type Side = 'fused' | 'reference';

/** The fused BatchNormTrain or its reference on one seeded case (channels last), affine or not. */
export const batchNormCase = async (side: Side, shape: number[], affine: boolean): Promise<Evaluated> => {
  const c = shape[shape.length - 1] as number;
  const x = seeded(shape, 1, 2, 0.5);
  const rm = seeded([c], 2);
  const rv = tf.tidy(() => tf.abs(seeded([c], 3)));
  const gamma = seeded([c], 4, 0.5, 1);
  const beta = seeded([c], 5);
  const probe = seeded(shape, 6);
  const wrt = affine ? [x, gamma, beta] : [x];
  const fused = (xx?: tf.Tensor, g?: tf.Tensor, b?: tf.Tensor): tf.Tensor[] => {
    const out = batchNormTrain(xx as tf.Tensor, { mean: rm, variance: rv }, g && b ? { gamma: g, beta: b } : undefined, { epsilon: EPSILON, momentum: MOMENTUM });
    return [out.y, out.runningMean, out.runningVar];
  };
  const result = await evaluate(side === 'fused' ? fused : (xx, g, b) => batchNormReference(xx as tf.Tensor, rm, rv, g, b), wrt, probe);
  tf.dispose([x, rm, rv, gamma, beta, probe]);
  return result;
};

/** The fused WeightedSum or slice * candidate + addN on one seeded case: candidates of `shape`, `indices` into `weights`. */
export const weightedSumCase = async (side: Side, shape: number[], weightsShape: number[], indices: readonly number[]): Promise<Evaluated> => {
  const weights = tf.tidy(() => tf.softmax(seeded(weightsShape, 7)));
  const xs = indices.map((_, j) => seeded(shape, 10 + j));
  const probe = seeded(shape, 8);
  const wrt = [weights, ...xs];
  const result = await evaluate(
    side === 'fused'
      ? (w, ...c) => [weightedSum(w as tf.Tensor, c, indices)]
      : (w, ...c) => [tf.addN(c.map((x, j) => tf.mul(x, tf.slice(tf.reshape(w as tf.Tensor, [-1]), [indices[j] as number], [1]))))],
    wrt,
    probe,
  );
  tf.dispose([...wrt, probe]);
  return result;
};

/** Largest |a - b| relative to the largest |b| (1 where b is all zeros), over matching arrays. */
export const relativeError = (a: readonly Float32Array[], b: readonly Float32Array[]): number => {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  a.forEach((x, i) => {
    const y = b[i] as Float32Array;
    if (x.length !== y.length) worst = Number.POSITIVE_INFINITY;
    const scale = Math.max(1e-30, ...Array.from(y, Math.abs));
    for (let j = 0; j < x.length; j++) worst = Math.max(worst, Math.abs((x[j] as number) - (y[j] as number)) / scale);
  });
  return worst;
};

/**
 * The straight-through gradient of an approximate convolution (a 'same' one at `dilation`, stride 1) from the operands
 * the forward kernel saved, or rebuilt op by op as approx-conv-grad.ts did before: fake quantization of both operands
 * (FakeQuantize8 under tf.min/tf.max bounds), padding with the fake-quantized 0.0, then the exact convolution's VJP.
 * Outputs: y; grads: d/dx, d/dw of sum(y * probe).
 */
export const steCase = async (side: Side, kind: ConvKind, dilation: number, table: MultiplierTable): Promise<Evaluated> => {
  const x = seeded([2, 5, 5, 3], 21, 1.5);
  const w = seeded(kind === 'conv2d' ? [3, 3, 3, 4] : [3, 3, 3, 1], 22, 0.3);
  const o = { strides: 1, dilation, pad: 'same' as const, approx: { table, quantization: 'asymmetric' as const, perChannelWeights: kind === 'conv2d' } };
  const conv = (xx: tf.Tensor4D, ww: tf.Tensor4D): tf.Tensor4D => (kind === 'conv2d' ? conv2d(xx, ww, o) : depthwiseConv2d(xx, ww, o));
  const probe = tf.tidy(() => seeded(conv(x as tf.Tensor4D, w as tf.Tensor4D).shape, 23));
  let result: Evaluated;
  if (side === 'fused') result = await evaluate((xx, ww) => [conv(xx as tf.Tensor4D, ww as tf.Tensor4D)], [x, w], probe);
  else {
    const g = geometryFor(kind, x.shape, w.shape, { strides: 1, dilations: dilation, pad: 'same' });
    const ts = tf.tidy(() => {
      const { xq, pad } = fakeQuantizeActivations(x as tf.Tensor4D, 'asymmetric');
      const wq = fakeQuantizeWeights(w as tf.Tensor4D, kind, 'asymmetric', kind === 'conv2d');
      const xp = tf.add(tf.pad(tf.sub(xq, pad), paddingOf(g)), pad) as tf.Tensor4D;
      const [dxp, dw] = validConvVjp(kind, xp, wq, probe as tf.Tensor4D, g);
      return [conv(x as tf.Tensor4D, w as tf.Tensor4D), tf.slice(dxp, [0, g.padTop, g.padLeft, 0], x.shape), dw];
    });
    const values = await Promise.all(ts.map(async (t) => Float32Array.from(await t.data())));
    result = { outputs: values.slice(0, 1), grads: values.slice(1) };
    tf.dispose(ts);
  }
  tf.dispose([x, w, probe]);
  return result;
};

/** optim/sgd.ts's step before SgdStep: six element-wise ops per variable. */
const sgdReference = (config: { readonly momentum: number; readonly weightDecay: number; readonly nesterov: boolean }, variables: readonly tf.Variable[], buffers: readonly tf.Variable[]) => (grads: readonly tf.Tensor[], lr: number): void =>
  tf.tidy(() =>
    variables.forEach((v, i) => {
      const g = grads[i] as tf.Tensor;
      let d: tf.Tensor = config.weightDecay !== 0 ? tf.add(g, tf.mul(v, config.weightDecay)) : g;
      if (config.momentum !== 0) {
        const buf = buffers[i] as tf.Variable;
        buf.assign(tf.add(tf.mul(buf, config.momentum), d));
        d = config.nesterov ? tf.add(d, tf.mul(buf, config.momentum)) : buf;
      }
      v.assign(tf.sub(v, tf.mul(d, lr)));
    }),
  );

/** Two SGD steps on three variables by the fused optimizer or the reference; outputs: the variables after them. */
export const sgdCase = async (side: Side, config: { readonly momentum: number; readonly weightDecay: number; readonly nesterov: boolean }): Promise<Evaluated> => {
  const shapes = [[3, 2], [5], [2, 2, 3]];
  const variables = shapes.map((shape, i) => tf.variable(seeded(shape, 40 + i) as tf.Tensor, true, `sgd-case-${side}-${i}-${Math.random()}`));
  const buffers = shapes.map((shape) => tf.variable(tf.zeros(shape), false));
  const fused = bindOptimizer({ kind: 'sgd', lr: { kind: 'constant', lr: 0.1 }, ...config }, Object.fromEntries(variables.map((v) => [v.name, v] as const)));
  const reference = sgdReference(config, variables, buffers);
  for (const [step, lr] of [0.1, 0.05].entries()) {
    const grads = shapes.map((shape, i) => seeded(shape, 50 + 10 * step + i));
    if (side === 'fused') stepOptimizer(fused, Object.fromEntries(variables.map((v, i) => [v.name, grads[i] as tf.Tensor])), lr);
    else reference(grads, lr);
    tf.dispose(grads);
  }
  const outputs = await Promise.all(variables.map(async (v) => Float32Array.from(await v.data())));
  disposeOptimizer(fused);
  tf.dispose([...variables, ...buffers]);
  return { outputs, grads: [] };
};

/** d relu(x) . dy through the registered Relu gradient (ReluBackward), or tfjs-core's composition; NaN, 0 and signs included. */
export const reluCase = async (side: Side): Promise<Evaluated> => {
  const x = tf.tensor1d([-2, -0, 0, 1e-30, 3, Number.NaN, -1, 2]);
  const dy = tf.tensor1d([1, -1, 2, -3, -4, 5, -6, Number.POSITIVE_INFINITY]);
  const out = tf.tidy(() => (side === 'fused' ? tf.grad((v: tf.Tensor) => tf.relu(v))(x, dy) : tf.mul(dy, tf.cast(tf.step(x), 'float32'))));
  const result = { outputs: [Float32Array.from(await out.data())], grads: [] };
  tf.dispose([x, dy, out]);
  return result;
};
