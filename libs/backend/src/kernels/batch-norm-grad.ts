import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig } from '@tensorflow/tfjs-core';
import { BatchNormTrain, BatchNormTrainGrad } from './batch-norm-names';

/**
 * The gradient of `BatchNormTrain`: one `BatchNormTrainGrad` kernel from what the forward kernel saved (x, gamma and
 * its batch statistics), so nothing of the forward pass is recomputed. The running statistics are state, not
 * parameters: they get zeros, as do gamma and beta of a non-affine batch norm.
 */
export const batchNormTrainGradConfig: GradConfig = {
  kernelName: BatchNormTrain,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, false, false],
  gradFunc: (dy, saved) => {
    const [x, gamma, stats] = saved as [tf.Tensor, tf.Tensor, tf.Tensor2D];
    const dyY = (dy as tf.Tensor[])[0] as tf.Tensor;
    const [dx, sums] = tf.engine().runKernel(BatchNormTrainGrad, { dy: dyY, x, stats, gamma } as unknown as tf.NamedTensorMap) as [tf.Tensor, tf.Tensor2D];
    const channels = stats.shape[1];
    const affine = gamma.size === channels;
    const [dBeta, dGamma] = affine ? tf.unstack(sums) : [tf.zeros([0]), tf.zeros([0])];
    return {
      x: () => dx,
      gamma: () => dGamma as tf.Tensor,
      beta: () => dBeta as tf.Tensor,
      runningMean: () => tf.zeros([channels]),
      runningVar: () => tf.zeros([channels]),
    };
  },
};
