import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '@approx-darts/schedule';
import type { SearchNetwork } from '../network';
import { clipByGlobalNorm, globalNormSquared, type Optimizer } from '../optim';
import { readScalars } from '../readback';
import { variableGradsReleasing } from '../autodiff';

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

/**
 * A gradient evaluation's statistics still on the device: the mean loss and the correct count as scalars. A step
 * returns them without reading anything, so its whole work is queued first; `readBatchStats` reads those of all the
 * step's halves at once.
 */
export interface PendingStats {
  readonly loss: tf.Scalar;
  readonly correct: tf.Scalar;
  readonly count: number;
}

/**
 * Reads pending statistics (some of which may be absent) in one device round trip and disposes their tensors.
 * @example const [train, valid] = await readBatchStats([weightStep(...), architectureStep(...)]);
 */
export const readBatchStats = async (pending: readonly (PendingStats | undefined)[]): Promise<(BatchStats | undefined)[]> => {
  const present = pending.filter((p): p is PendingStats => p !== undefined);
  const values = await readScalars(present.flatMap((p) => [p.loss, p.correct]));
  let next = 0;
  return pending.map((p) => {
    if (p === undefined) return undefined;
    const [loss = Number.NaN, correct = 0] = values.slice(next, next + 2);
    next += 2;
    return { loss, correct, count: p.count };
  });
};

const disposeStats = (s: PendingStats): void => tf.dispose([s.loss, s.correct]);

/** The architecture parameters: the alphas, and the betas of an energy-aware search. */
export const alphaVariables = (net: SearchNetwork): tf.Variable[] => [net.alphas.normal, net.alphas.reduce, ...(net.betas === undefined ? [] : [net.betas.normal, net.betas.reduce])];

/** A term added to the architecture loss (an energy-aware search's lambda * E / E_ref), a function of the architecture parameters. */
export type ArchitecturePenalty = () => tf.Scalar;

/** Mean cross-entropy of the network on a batch (train-mode BN), and its correct count as a side output. */
const lossOf = (net: SearchNetwork, batch: LabelledBatch, correct: { value?: tf.Scalar }, penalty?: ArchitecturePenalty): tf.Scalar => {
  const logits = net.forward(batch.x, 'train');
  correct.value = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), batch.y), 'float32')));
  const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(batch.y, logits.shape[1]), logits) as tf.Scalar;
  return penalty === undefined ? loss : tf.add(loss, penalty());
};

/** Gradients of the batch loss w.r.t. `variables` (keyed by variable name) plus the batch statistics, unread. */
export const gradientsOf = (
  net: SearchNetwork,
  batch: LabelledBatch,
  variables: readonly tf.Variable[],
  penalty?: ArchitecturePenalty,
): { readonly grads: tf.NamedTensorMap; readonly stats: PendingStats } => {
  const correct: { value?: tf.Scalar } = {};
  const { value, grads } = variableGradsReleasing(() => lossOf(net, batch, correct, penalty), variables);
  return { grads, stats: { loss: value, correct: correct.value ?? tf.scalar(0), count: batch.x.shape[0] } };
};

/** Applies gradients with the optimizer, clipping by global norm first (on the device) when the config asks for it. */
export const applyGradients = (optimizer: Optimizer, config: OptimizerConfig, grads: tf.NamedTensorMap, lr: number): void => {
  if (config.gradClip === undefined) {
    optimizer.step(grads, lr);
    return;
  }
  const clipped = clipByGlobalNorm(grads, config.gradClip);
  optimizer.step(clipped.grads, lr);
  tf.dispose([...Object.values(clipped.grads), clipped.normSquared]);
};

/**
 * One weight step on a training batch; returns the batch statistics (measured before the update), unread. The update
 * is queued without waiting for the loss: a caller that then reads a non-finite loss must stop and discard the
 * weights, as the search does (it keeps the checkpoint of the last finished epoch).
 */
export const weightStep = (net: SearchNetwork, batch: LabelledBatch, optimizer: Optimizer, config: OptimizerConfig, lr: number): PendingStats => {
  const { grads, stats } = gradientsOf(net, batch, net.weights);
  applyGradients(optimizer, config, grads, lr);
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
 * eps stays a device scalar, so nothing is read in the middle of the step. The weights are back at w when this returns.
 */
export const unrolledArchitectureGradients = (
  net: SearchNetwork,
  validBatch: LabelledBatch,
  u: UnrolledContext,
  penalty?: ArchitecturePenalty,
): { readonly grads: tf.NamedTensorMap; readonly stats: PendingStats } => {
  const weights = net.weights;
  const alphas = alphaVariables(net);
  const saved = weights.map((v) => tf.clone(v));
  try {
    const train = gradientsOf(net, u.trainBatch, weights);
    disposeStats(train.stats);
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
    // The penalty depends on the architecture only, so the Hessian term below (training loss) does not see it.
    const valid = gradientsOf(net, validBatch, [...alphas, ...weights], penalty);
    const dw = tf.tidy(() => weights.map((v) => valid.grads[v.name] ?? tf.zerosLike(v)));
    const normSquared = globalNormSquared(dw);
    const eps = tf.tidy(() => tf.div(0.01, tf.maximum(tf.sqrt(normSquared), 1e-12)));
    normSquared.dispose();
    const alphaGradsAt = (sign: 1 | -1): tf.NamedTensorMap => {
      const shifted = tf.tidy(() =>
        saved.map((w, i) => {
          const delta = tf.mul(dw[i] as tf.Tensor, eps);
          return sign === 1 ? tf.add(w, delta) : tf.sub(w, delta);
        }),
      );
      assignAll(weights, shifted);
      tf.dispose(shifted);
      const { grads, stats } = gradientsOf(net, u.trainBatch, alphas);
      disposeStats(stats);
      return grads;
    };
    const plus = alphaGradsAt(1);
    const minus = alphaGradsAt(-1);
    const grads: tf.NamedTensorMap = tf.tidy(() => {
      const scale = tf.div(u.lr / 2, eps);
      return Object.fromEntries(
        alphas.map((a) => [a.name, tf.sub(valid.grads[a.name] ?? tf.zerosLike(a), tf.mul(tf.sub(plus[a.name] ?? tf.zerosLike(a), minus[a.name] ?? tf.zerosLike(a)), scale))] as const),
      );
    });
    tf.dispose([eps, ...dw, ...Object.values(valid.grads), ...Object.values(plus), ...Object.values(minus)]);
    return { grads, stats: valid.stats };
  } finally {
    assignAll(weights, saved);
    tf.dispose(saved);
  }
};

/**
 * One architecture step: first order (dL_val/dalpha at the current weights) or second order (unrolled). Returns the
 * validation batch's statistics, unread; the update is queued without waiting for them (see weightStep).
 */
export const architectureStep = (
  net: SearchNetwork,
  validBatch: LabelledBatch,
  optimizer: Optimizer,
  config: OptimizerConfig,
  lr: number,
  unrolled: UnrolledContext | undefined,
  penalty?: ArchitecturePenalty,
): PendingStats => {
  const { grads, stats } = unrolled === undefined ? gradientsOf(net, validBatch, alphaVariables(net), penalty) : unrolledArchitectureGradients(net, validBatch, unrolled, penalty);
  applyGradients(optimizer, config, grads, lr);
  tf.dispose(Object.values(grads));
  return stats;
};
