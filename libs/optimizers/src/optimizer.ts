import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '@approx-darts/schedule';
import { createSgd } from './sgd';
import { createAdam } from './adam';

/** Tensors by logical parameter name (`cells.0.pre0.conv`, network/params.ts), never by tfjs variable name. */
export type NamedTensors = Readonly<Record<string, tf.Tensor>>;

/**
 * An optimizer's state: its slot tensors (momentum buffers, Adam moments) keyed `<slot>/<logical name>`, and the
 * number of updates made (Adam's bias correction reads it on the host, so a step needs no device read).
 */
export interface OptimizerState {
  readonly slots: NamedTensors;
  readonly count: number;
}

/**
 * What `update` returns: additive updates (w' = w + u), which the caller owns, and the next state, which holds the
 * slots it did not change as they were in the old one (`disposeStateExcept` frees what one state holds and the other not).
 */
export interface OptimizerUpdate {
  readonly updates: NamedTensors;
  readonly state: OptimizerState;
}

/**
 * An optimizer as data over records keyed by logical parameter names: `init(params)` makes the first state and
 * `update(grads, state, params, lr)` computes the updates and the next state without touching the parameters or the
 * old state; applying the updates is a separate step (`applyUpdates`). The learning rate is an argument because the
 * schedule lives outside (`learningRate` of @approx-darts/schedule). Parameters without a gradient get no update and
 * keep their slots, as PyTorch skips `grad is None`.
 * `step`, where present, is update and apply fused into fewer kernels, with the same results bit for bit: it assigns
 * the variables and returns the next state.
 */
export interface Optimizer {
  readonly config: OptimizerConfig;
  /** The kinds of slot every parameter has (`momentum`; `adam.m`, `adam.v`), what a saved state must hold. */
  readonly slots: readonly string[];
  /** Where a saved state keeps the update count, for optimizers whose updates depend on it (Adam). */
  readonly countKey?: string;
  readonly init: (params: NamedTensors) => OptimizerState;
  readonly update: (grads: NamedTensors, state: OptimizerState, params: NamedTensors, lr: number) => OptimizerUpdate;
  readonly step?: (grads: NamedTensors, state: OptimizerState, params: Readonly<Record<string, tf.Variable>>, lr: number) => OptimizerState;
}

/** The optimizer a config describes (SGD with momentum or Adam, both with coupled L2 weight decay). */
export const createOptimizer = (config: OptimizerConfig): Optimizer => (config.kind === 'sgd' ? createSgd(config) : createAdam(config));

/** w <- w + u for every parameter with an update. */
export const applyUpdates = (params: Readonly<Record<string, tf.Variable>>, updates: NamedTensors): void =>
  tf.tidy(() => {
    for (const [name, u] of Object.entries(updates)) {
      const w = params[name];
      if (w === undefined) throw new Error(`optimizer: an update for '${name}', which is not a parameter`);
      w.assign(tf.add(w, u));
    }
  });
