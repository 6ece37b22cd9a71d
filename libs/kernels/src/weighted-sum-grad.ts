import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig } from '@tensorflow/tfjs-core';
import { WeightedSum, WeightedSumWeightGrad, type WeightedSumAttrs } from './weighted-sum-names';

/**
 * The gradient of `WeightedSum`: the weights get one `WeightedSumWeightGrad` kernel (a dot product of dy with each
 * candidate), candidate j gets weights[indices[j]] * dy, itself a one-term `WeightedSum`.
 */
export const weightedSumGradConfig: GradConfig = {
  kernelName: WeightedSum,
  saveAllInputs: true,
  gradFunc: (dy, saved, attrs) => {
    const [weights, ...xs] = saved as [tf.Tensor, ...tf.Tensor[]];
    const { indices } = attrs as unknown as WeightedSumAttrs;
    const d = dy as tf.Tensor;
    const e = tf.engine();
    const run = (kernel: string, inputs: tf.Tensor[], a: object): tf.Tensor => e.runKernel(kernel, inputs as unknown as tf.NamedTensorMap, a as tf.NamedAttrMap) as tf.Tensor;
    return Object.fromEntries([
      ['0', () => run(WeightedSumWeightGrad, [d, ...xs], { indices, weightsShape: weights.shape })],
      ...xs.map((_, j) => [String(j + 1), () => run(WeightedSum, [weights, d], { indices: [indices[j]] })] as const),
    ]) as Record<string, () => tf.Tensor>;
  },
};
