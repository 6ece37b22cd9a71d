import * as tf from '@tensorflow/tfjs-core';
import { BatchNormTrain, type BatchNormTrainAttrs } from '../batch-norm-names';
import { registerApproxKernels } from '../register';

/** What one train-mode batch norm produced: the normalized batch and the updated running statistics. */
export interface BatchNormTrainResult {
  readonly y: tf.Tensor;
  readonly runningMean: tf.Tensor1D;
  readonly runningVar: tf.Tensor1D;
}

/**
 * Train-mode batch normalization over every axis but the last (PyTorch semantics: normalize with the biased batch
 * variance, update the running variance with the unbiased one), as the one fused `BatchNormTrain` kernel;
 * differentiable in x (and gamma, beta when given).
 */
export const batchNormTrain = (
  x: tf.Tensor,
  running: { readonly mean: tf.Tensor; readonly variance: tf.Tensor },
  affine: { readonly gamma: tf.Tensor; readonly beta: tf.Tensor } | undefined,
  attrs: BatchNormTrainAttrs,
): BatchNormTrainResult => {
  registerApproxKernels();
  return tf.tidy(() => {
    const none = affine === undefined ? tf.zeros([0]) : undefined;
    const inputs = { x, runningMean: running.mean, runningVar: running.variance, gamma: affine?.gamma ?? none, beta: affine?.beta ?? none };
    const [y, , runningMean, runningVar] = tf.engine().runKernel(BatchNormTrain, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
    return { y: y as tf.Tensor, runningMean: runningMean as tf.Tensor1D, runningVar: runningVar as tf.Tensor1D };
  });
};
