import * as tf from '@tensorflow/tfjs-core';
import type { Block } from './block';
import { constantInit, param, type ParamStore } from './params';

export interface BatchNormOptions {
  readonly affine: boolean;
  /** PyTorch convention: running = (1 - momentum) * running + momentum * batch. */
  readonly momentum?: number;
  readonly epsilon?: number;
}

/**
 * Batch normalization over N, H, W of an NHWC tensor, PyTorch semantics: training normalizes with the biased batch
 * variance and updates the running variance with the unbiased one; inference uses the running statistics.
 */
export const batchNorm = (store: ParamStore, name: string, channels: number, o: BatchNormOptions): Block => {
  const momentum = o.momentum ?? 0.1;
  const epsilon = o.epsilon ?? 1e-5;
  const gamma = o.affine ? param(store, `${name}.weight`, [channels], constantInit(1)) : undefined;
  const beta = o.affine ? param(store, `${name}.bias`, [channels], constantInit(0)) : undefined;
  const runningMean = param(store, `${name}.running_mean`, [channels], constantInit(0), 'state');
  const runningVar = param(store, `${name}.running_var`, [channels], constantInit(1), 'state');
  return (x, mode) => {
    let mean: tf.Tensor;
    let variance: tf.Tensor;
    if (mode === 'train') {
      const m = tf.moments(x, [0, 1, 2]);
      mean = m.mean;
      variance = m.variance;
      const n = x.size / channels;
      // Variables keep their own reference to the assigned data, so the update survives the caller's tidy.
      runningMean.assign(tf.add(tf.mul(runningMean, 1 - momentum), tf.mul(mean, momentum)));
      runningVar.assign(tf.add(tf.mul(runningVar, 1 - momentum), tf.mul(variance, (momentum * n) / Math.max(n - 1, 1))));
    } else {
      mean = runningMean;
      variance = runningVar;
    }
    const normalized = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
    return (gamma && beta ? tf.add(tf.mul(normalized, gamma), beta) : normalized) as tf.Tensor4D;
  };
};
