import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '@approx-darts/schedule';
import { createSgd } from './sgd';
import { createAdam } from './adam';

/**
 * A stateful optimizer over a fixed list of variables. `step` applies one update from gradients keyed by
 * `variable.name` (variables without a gradient are left alone, as PyTorch skips `grad is None`); the learning rate
 * is passed per step because the schedule lives outside (`learningRate` of @approx-darts/schedule).
 * `state` returns the slot tensors (momentum buffers, Adam moments, step count) under stable names, so a checkpoint
 * can save them and `restore` can continue identically. `state` returns fresh tensors the caller disposes. `restore`
 * is asynchronous because it reads the step count back to the host, and only asynchronous reads work on every engine.
 */
export interface Optimizer {
  step(grads: tf.NamedTensorMap, lr: number): void;
  state(): Record<string, tf.Tensor>;
  restore(state: Record<string, tf.Tensor>): Promise<void>;
  /**
   * The live momentum buffer of a variable (SGD with momentum), read by the unrolled architecture step without a
   * copy; undefined where the optimizer keeps none (Adam, momentum 0). The optimizer owns it: never dispose it.
   */
  momentum(v: tf.Variable): tf.Tensor | undefined;
  /** Frees the slot tensors. */
  dispose(): void;
}

/** Builds the optimizer a config describes (SGD with momentum or Adam, both with coupled L2 weight decay). */
export const createOptimizer = (config: OptimizerConfig, variables: readonly tf.Variable[]): Optimizer => {
  const names = new Set<string>();
  for (const v of variables) {
    if (names.has(v.name)) throw new Error(`optimizer: two variables share the name '${v.name}'`);
    names.add(v.name);
  }
  return config.kind === 'sgd' ? createSgd(config, variables) : createAdam(config, variables);
};
