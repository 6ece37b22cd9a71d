import * as tf from '@tensorflow/tfjs-core';
import type { SearchNetwork } from '@approx-darts/networks';
import { byLogicalName, clipByGlobalNorm, disposeStateExcept, globalNormSquared, namedParams, stepOptimizer, type BoundOptimizer } from '@approx-darts/optimizers';
import { withRunningStatsFrozen } from './frozen-statistics';
import { readScalars } from '../readback';
import { variableGradsReleasing } from '../autodiff';
import { correctCount, crossEntropy } from '../loss';

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
  /** Global L2 norm of the step's gradients before clipping (when the step applied an update). */
  readonly gradNorm?: number;
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
  readonly gradNormSquared?: tf.Scalar;
}

/**
 * Reads pending statistics (some of which may be absent) and `extra` scalars in one device round trip, disposing
 * every tensor read.
 * @example const { stats: [train, valid], extra: [entropy] } = await readStepScalars([weightStep(...), architectureStep(...)], [entropyOf(net)]);
 */
export const readStepScalars = async (
  pending: readonly (PendingStats | undefined)[],
  extra: readonly tf.Scalar[],
): Promise<{ readonly stats: (BatchStats | undefined)[]; readonly extra: readonly number[] }> => {
  const present = pending.filter((p): p is PendingStats => p !== undefined);
  const values = await readScalars([...present.flatMap((p) => [p.loss, p.correct, ...(p.gradNormSquared === undefined ? [] : [p.gradNormSquared])]), ...extra]);
  let next = 0;
  const stats = pending.map((p) => {
    if (p === undefined) return undefined;
    const [loss = Number.NaN, correct = 0] = values.slice(next, next + 2);
    next += 2;
    if (p.gradNormSquared === undefined) return { loss, correct, count: p.count };
    const normSquared = values[next++] ?? Number.NaN;
    return { loss, correct, count: p.count, gradNorm: Math.sqrt(normSquared) };
  });
  return { stats, extra: values.slice(next) };
};

/**
 * Reads pending statistics (some of which may be absent) in one device round trip and disposes their tensors.
 * @example const [train, valid] = await readBatchStats([weightStep(...), architectureStep(...)]);
 */
export const readBatchStats = async (pending: readonly (PendingStats | undefined)[]): Promise<(BatchStats | undefined)[]> => (await readStepScalars(pending, [])).stats;

const disposeStats = (s: PendingStats): void => tf.dispose([s.loss, s.correct, ...(s.gradNormSquared === undefined ? [] : [s.gradNormSquared])]);

/** The architecture parameters by logical name: the alphas, and the betas of an energy-aware search. */
export const alphaParams = (net: SearchNetwork): Record<string, tf.Variable> =>
  namedParams(net.store.entries, [net.alphas.normal, net.alphas.reduce, ...(net.betas === undefined ? [] : [net.betas.normal, net.betas.reduce])]);

/** The network weights by logical name, what the weight optimizer trains. */
export const weightParams = (net: SearchNetwork): Record<string, tf.Variable> => namedParams(net.store.entries, net.weights);

/** A term added to the architecture loss (an energy-aware search's lambda * E / E_ref), a function of the architecture parameters. */
export type ArchitecturePenalty = () => tf.Scalar;

/** Mean cross-entropy of the network on a batch (train-mode BN), and its correct count as a side output. */
const lossOf = (net: SearchNetwork, batch: LabelledBatch, correct: { value?: tf.Scalar }, penalty?: ArchitecturePenalty): tf.Scalar => {
  const logits = net.forward(batch.x, 'train');
  correct.value = tf.keep(correctCount(logits, batch.y));
  const loss = crossEntropy(logits, batch.y);
  return penalty === undefined ? loss : tf.add(loss, penalty());
};

/** Gradients of the batch loss (plus `penalty`) w.r.t. `params` (keyed by their logical names) and the batch statistics, unread. */
export const gradientsOf = (
  net: SearchNetwork,
  batch: LabelledBatch,
  params: Readonly<Record<string, tf.Variable>>,
  penalty?: ArchitecturePenalty,
): { readonly grads: tf.NamedTensorMap; readonly stats: PendingStats } => {
  const correct: { value?: tf.Scalar } = {};
  const { value, grads } = variableGradsReleasing(() => lossOf(net, batch, correct, penalty), Object.values(params));
  return { grads: byLogicalName(params, grads), stats: { loss: value, correct: correct.value ?? tf.scalar(0), count: batch.x.shape[0] } };
};

/**
 * Applies gradients with the optimizer, clipping by global norm first (on the device) when its config asks for it.
 * Returns the squared global norm before clipping, unread (the per-step scalars report it).
 */
export const applyGradients = (optimizer: BoundOptimizer, grads: tf.NamedTensorMap, lr: number): tf.Scalar => {
  const { gradClip } = optimizer.optimizer.config;
  if (gradClip === undefined) {
    const normSquared = globalNormSquared(Object.values(grads));
    stepOptimizer(optimizer, grads, lr);
    return normSquared;
  }
  const clipped = clipByGlobalNorm(grads, gradClip);
  stepOptimizer(optimizer, clipped.grads, lr);
  tf.dispose(Object.values(clipped.grads));
  return clipped.normSquared;
};

/**
 * One weight step on a training batch; returns the batch statistics (measured before the update), unread. The update
 * is queued without waiting for the loss: a caller that then reads a non-finite loss must stop and discard the
 * weights, as the search does (it keeps the checkpoint of the last finished epoch).
 */
export const weightStep = (net: SearchNetwork, batch: LabelledBatch, optimizer: BoundOptimizer, lr: number): PendingStats => {
  const { grads, stats } = gradientsOf(net, batch, optimizer.params);
  const gradNormSquared = applyGradients(optimizer, grads, lr);
  tf.dispose(Object.values(grads));
  return { ...stats, gradNormSquared };
};

/** Everything the unrolled (second-order) architecture gradient needs about the weight optimizer. */
export interface UnrolledContext {
  readonly trainBatch: LabelledBatch;
  /** The weights' current learning rate (xi in DARTS). */
  readonly lr: number;
  /** The weight optimizer in its current state: asked for its next update, which is not applied. */
  readonly weights: BoundOptimizer;
}

const assignAll = (variables: readonly tf.Variable[], values: readonly tf.Tensor[]): void =>
  tf.tidy(() => variables.forEach((v, i) => v.assign(values[i] as tf.Tensor)));

/**
 * DARTS's second-order architecture gradient: the validation loss at the one-step unrolled weights w' = w + u, with u
 * the weight optimizer's next update from dL_train/dw (its momentum or moments included, not applied, its state left
 * as it is), minus xi times the Hessian-vector product, estimated by central finite differences of dL_train/dalpha at
 * w +- eps dL_val/dw' with eps = 0.01 / ||dL_val/dw'||. The forward at w' leaves the BN running statistics as they
 * were, as DARTS runs it on a copy of the model. eps stays a device scalar, so nothing is read in the middle of the
 * step. The weights are back at w when this returns.
 */
export const unrolledArchitectureGradients = (
  net: SearchNetwork,
  validBatch: LabelledBatch,
  u: UnrolledContext,
  penalty?: ArchitecturePenalty,
): { readonly grads: tf.NamedTensorMap; readonly stats: PendingStats } => {
  const params = u.weights.params;
  const names = Object.keys(params);
  const weights = Object.values(params);
  const alphaNamed = alphaParams(net);
  const alphas = Object.entries(alphaNamed);
  const saved = weights.map((v) => tf.clone(v));
  try {
    const train = gradientsOf(net, u.trainBatch, params);
    disposeStats(train.stats);
    // Every weight is updated, as DARTS differentiates all of them (a weight the loss does not reach gets zeros).
    const missing = tf.tidy(() => Object.fromEntries(names.filter((n) => train.grads[n] === undefined).map((n) => [n, tf.zerosLike(params[n] as tf.Tensor)] as const)));
    const next = u.weights.optimizer.update({ ...train.grads, ...missing }, u.weights.state, params, u.lr);
    disposeStateExcept(next.state, u.weights.state);
    tf.dispose([...Object.values(train.grads), ...Object.values(missing)]);
    const unrolled = tf.tidy(() => names.map((n, i) => tf.add(weights[i] as tf.Tensor, next.updates[n] as tf.Tensor)));
    tf.dispose(Object.values(next.updates));
    assignAll(weights, unrolled);
    tf.dispose(unrolled);
    // The penalty depends on the architecture only, so the Hessian term below (training loss) does not see it.
    const valid = withRunningStatsFrozen(net.store, () => gradientsOf(net, validBatch, { ...alphaNamed, ...params }, penalty));
    const dw = tf.tidy(() => names.map((n, i) => valid.grads[n] ?? tf.zerosLike(weights[i] as tf.Tensor)));
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
      const { grads, stats } = gradientsOf(net, u.trainBatch, alphaNamed);
      disposeStats(stats);
      return grads;
    };
    const plus = alphaGradsAt(1);
    const minus = alphaGradsAt(-1);
    const grads: tf.NamedTensorMap = tf.tidy(() => {
      const scale = tf.div(u.lr / 2, eps);
      return Object.fromEntries(
        alphas.map(([n, a]) => [n, tf.sub(valid.grads[n] ?? tf.zerosLike(a), tf.mul(tf.sub(plus[n] ?? tf.zerosLike(a), minus[n] ?? tf.zerosLike(a)), scale))] as const),
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
  optimizer: BoundOptimizer,
  lr: number,
  unrolled: UnrolledContext | undefined,
  penalty?: ArchitecturePenalty,
): PendingStats => {
  const { grads, stats } = unrolled === undefined ? gradientsOf(net, validBatch, optimizer.params, penalty) : unrolledArchitectureGradients(net, validBatch, unrolled, penalty);
  const gradNormSquared = applyGradients(optimizer, grads, lr);
  tf.dispose(Object.values(grads));
  return { ...stats, gradNormSquared };
};
