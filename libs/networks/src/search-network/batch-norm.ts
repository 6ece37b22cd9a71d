import * as tf from '@tensorflow/tfjs-core';
import { batchNormTrain } from '@approx-darts/kernels';
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
    if (mode === 'train') {
      // One fused kernel (ops/batch-norm-train.ts) instead of moments, normalization and running updates op by op.
      const out = batchNormTrain(x, { mean: runningMean, variance: runningVar }, gamma && beta ? { gamma, beta } : undefined, { epsilon, momentum });
      // Variables keep their own reference to the assigned data, so the update survives the caller's tidy.
      runningMean.assign(out.runningMean);
      runningVar.assign(out.runningVar);
      return out.y as tf.Tensor4D;
    }
    const normalized = tf.mul(tf.sub(x, runningMean), tf.rsqrt(tf.add(runningVar, epsilon)));
    return (gamma && beta ? tf.add(tf.mul(normalized, gamma), beta) : normalized) as tf.Tensor4D;
  };
};
