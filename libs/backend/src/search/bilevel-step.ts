import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '@approx-darts/schedule';
import type { SearchNetwork } from '../network';
import { clipByGlobalNorm, type Optimizer } from '../optim';

/** A labelled batch: NHWC images and int32 labels. */
export interface LabelledBatch {
  readonly x: tf.Tensor4D;
  readonly y: tf.Tensor1D;
}

/** What one gradient evaluation measured on its batch. */
export interface BatchStats {
  readonly loss: number;
  readonly correct: number;
  readonly count: number;
}

const alphaVariables = (net: SearchNetwork): tf.Variable[] => [net.alphas.normal, net.alphas.reduce];

/** Mean cross-entropy of the network on a batch (train-mode BN), and its correct count as a side output. */
const lossOf = (net: SearchNetwork, batch: LabelledBatch, correct: { value?: tf.Scalar }): tf.Scalar => {
  const logits = net.forward(batch.x, 'train');
  correct.value = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), batch.y), 'float32')));
  return tf.losses.softmaxCrossEntropy(tf.oneHot(batch.y, logits.shape[1]), logits) as tf.Scalar;
};

/** Gradients of the batch loss w.r.t. `variables` (keyed by variable name) plus the batch statistics. */
export const gradientsOf = (net: SearchNetwork, batch: LabelledBatch, variables: readonly tf.Variable[]): { readonly grads: tf.NamedTensorMap; readonly stats: BatchStats } => {
  const correct: { value?: tf.Scalar } = {};
  const { value, grads } = tf.variableGrads(() => lossOf(net, batch, correct), [...variables]);
  const stats = { loss: value.dataSync()[0] ?? NaN, correct: correct.value?.dataSync()[0] ?? 0, count: batch.x.shape[0] };
  value.dispose();
  correct.value?.dispose();
  return { grads, stats };
};

/** Applies gradients with the optimizer, clipping by global norm first when the config asks for it. */
export const applyGradients = (optimizer: Optimizer, config: OptimizerConfig, grads: tf.NamedTensorMap, lr: number): void => {
  if (config.gradClip === undefined) {
    optimizer.step(grads, lr);
    return;
  }
  const clipped = clipByGlobalNorm(grads, config.gradClip);
  optimizer.step(clipped.grads, lr);
  tf.dispose(Object.values(clipped.grads));
};

/** One weight step on a training batch: returns the batch statistics (measured before the update). */
export const weightStep = (net: SearchNetwork, batch: LabelledBatch, optimizer: Optimizer, config: OptimizerConfig, lr: number): BatchStats => {
  const { grads, stats } = gradientsOf(net, batch, net.weights);
  if (Number.isFinite(stats.loss)) applyGradients(optimizer, config, grads, lr);
  tf.dispose(Object.values(grads));
  return stats;
};

/** Everything the unrolled (second-order) architecture gradient needs about the weight optimizer. */
export interface UnrolledContext {
  readonly trainBatch: LabelledBatch;
  /** The weights' current learning rate (xi in DARTS). */
  readonly lr: number;
  readonly momentum: number;
  readonly weightDecay: number;
  /** The weight optimizer's momentum buffer of a variable, if it has one. */
  readonly momentumOf: (v: tf.Variable) => tf.Tensor | undefined;
}

const assignAll = (variables: readonly tf.Variable[], values: readonly tf.Tensor[]): void =>
  tf.tidy(() => variables.forEach((v, i) => v.assign(values[i] as tf.Tensor)));

/**
 * DARTS's second-order architecture gradient: the validation loss at the one-step unrolled weights
 * w' = w - xi (m buf + dL_train/dw + wd w), minus xi times the Hessian-vector product, estimated by central
 * finite differences of dL_train/dalpha at w +- eps dL_val/dw' with eps = 0.01 / ||dL_val/dw'||.
 * The weights are back at w when this returns.
 */
export const unrolledArchitectureGradients = (net: SearchNetwork, validBatch: LabelledBatch, u: UnrolledContext): { readonly grads: tf.NamedTensorMap; readonly stats: BatchStats } => {
  const weights = net.weights;
  const alphas = alphaVariables(net);
  const saved = weights.map((v) => tf.clone(v));
  try {
    const train = gradientsOf(net, u.trainBatch, weights);
    const unrolled = tf.tidy(() =>
      weights.map((v) => {
        const g = train.grads[v.name] ?? tf.zerosLike(v);
        const buf = u.momentumOf(v);
        const step = tf.add(tf.add(g, tf.mul(v, u.weightDecay)), buf === undefined ? 0 : tf.mul(buf, u.momentum));
        return tf.sub(v, tf.mul(step, u.lr));
      }),
    );
    tf.dispose(Object.values(train.grads));
    assignAll(weights, unrolled);
    tf.dispose(unrolled);
    const valid = gradientsOf(net, validBatch, [...alphas, ...weights]);
    const dw = weights.map((v) => valid.grads[v.name] ?? tf.zerosLike(v));
    const norm = tf.tidy(() => Math.sqrt(tf.addN(dw.map((g) => tf.sum(tf.square(g)))).dataSync()[0] ?? 0));
    const eps = 0.01 / Math.max(norm, 1e-12);
    const alphaGradsAt = (sign: 1 | -1): tf.NamedTensorMap => {
      const shifted = tf.tidy(() => saved.map((w, i) => tf.add(w, tf.mul(dw[i] as tf.Tensor, sign * eps))));
      assignAll(weights, shifted);
      tf.dispose(shifted);
      return gradientsOf(net, u.trainBatch, alphas).grads;
    };
    const plus = alphaGradsAt(1);
    const minus = alphaGradsAt(-1);
    const grads: tf.NamedTensorMap = {};
    for (const a of alphas) {
      grads[a.name] = tf.tidy(() =>
        tf.sub(valid.grads[a.name] ?? tf.zerosLike(a), tf.mul(tf.sub(plus[a.name] ?? tf.zerosLike(a), minus[a.name] ?? tf.zerosLike(a)), u.lr / (2 * eps))),
      );
    }
    tf.dispose([...Object.values(valid.grads), ...Object.values(plus), ...Object.values(minus)]);
    return { grads, stats: valid.stats };
  } finally {
    assignAll(weights, saved);
    tf.dispose(saved);
  }
};

/** One architecture step: first order (dL_val/dalpha at the current weights) or second order (unrolled). */
export const architectureStep = (
  net: SearchNetwork,
  validBatch: LabelledBatch,
  optimizer: Optimizer,
  config: OptimizerConfig,
  lr: number,
  unrolled: UnrolledContext | undefined,
): BatchStats => {
  const { grads, stats } = unrolled === undefined ? gradientsOf(net, validBatch, alphaVariables(net)) : unrolledArchitectureGradients(net, validBatch, unrolled);
  if (Number.isFinite(stats.loss)) applyGradients(optimizer, config, grads, lr);
  tf.dispose(Object.values(grads));
  return stats;
};
