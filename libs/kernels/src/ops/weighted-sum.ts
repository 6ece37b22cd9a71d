import * as tf from '@tensorflow/tfjs-core';
import { WeightedSum, type WeightedSumAttrs } from '../weighted-sum-names';
import { registerApproxKernels } from '../register';

/**
 * `sum_j weights[indices[j]] * xs[j]` (weights read flat) as the one fused `WeightedSum` kernel, differentiable in the
 * weights and every candidate: a search node's sum over the MixedOp outputs of its incoming edges.
 * @example weightedSum(softmaxOfAlphas, [edge0Op1, edge0Op2, edge1Op1], [1, 2, 9])
 */
export const weightedSum = <T extends tf.Tensor>(weights: tf.Tensor, xs: readonly T[], indices: readonly number[]): T => {
  if (xs.length === 0 || xs.length !== indices.length) throw new Error(`weightedSum: ${xs.length} candidates and ${indices.length} indices; need as many, at least one`);
  const bad = indices.find((i) => !Number.isInteger(i) || i < 0 || i >= weights.size);
  if (bad !== undefined) throw new Error(`weightedSum: index ${bad} is outside the ${weights.size} weights`);
  registerApproxKernels();
  const attrs: WeightedSumAttrs = { indices };
  return tf.engine().runKernel(WeightedSum, [weights, ...xs] as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as T;
};
