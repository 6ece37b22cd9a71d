import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig } from '@tensorflow/tfjs-core';
import { BatchNormTrain, BatchNormTrainGrad } from './batch-norm-names';

/**
 * The gradient of `BatchNormTrain`: one `BatchNormTrainGrad` kernel from what the forward kernel saved (x and its
 * statistics, gamma among them), so nothing of the forward pass is recomputed. The running statistics are state, not
 * parameters: they get zeros, as do gamma and beta of a non-affine batch norm.
 */
export const batchNormTrainGradConfig: GradConfig = {
  kernelName: BatchNormTrain,
  inputsToSave: ['x'],
  outputsToSave: [false, true, false, false],
  gradFunc: (dy, saved) => {
    const [x, stats] = saved as [tf.Tensor, tf.Tensor2D];
    const dyY = (dy as tf.Tensor[])[0] as tf.Tensor;
    const [dx, sums] = tf.engine().runKernel(BatchNormTrainGrad, { dy: dyY, x, stats } as unknown as tf.NamedTensorMap) as [tf.Tensor, tf.Tensor2D];
    const channels = stats.shape[1];
    // Asked for only when gamma and beta are variables: a non-affine batch norm's are placeholders no gradient reaches.
    const row = (r: number) => (): tf.Tensor => tf.reshape(tf.slice(sums, [r, 0], [1, channels]), [channels]);
    return {
      x: () => dx,
      gamma: row(1),
      beta: row(0),
      runningMean: () => tf.zeros([channels]),
      runningVar: () => tf.zeros([channels]),
    };
  },
};
