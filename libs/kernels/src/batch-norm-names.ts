import * as t from 'io-ts';

// Train-mode batch normalization as two fused kernels, declared once like the approximate convolutions
// (kernel-names.ts): every engine implements these names with these inputs, attrs and outputs. The unfused
// composition they replace is libs/networks/src/search-network/batch-norm.ts's train branch before this kernel existed:
// tf.moments, the running-statistics updates and the normalization, op by op (about 15 kernels forward, 40 backward).
export const BatchNormTrain = 'BatchNormTrain';
export const BatchNormTrainGrad = 'BatchNormTrainGrad';

/**
 * `BatchNormTrain` inputs: `x` float32, channels on the last axis (NHWC); `runningMean`, `runningVar` `[C]`; `gamma`,
 * `beta` `[C]`, or both empty `[]` for a non-affine batch norm (tfjs saves gradient inputs by name, so they are always
 * present). Outputs, in order: `y` (x's shape) = (x - mean) * invStd [* gamma + beta]; `stats` `[5, C]`: the batch's
 * mean and invStd = 1 / sqrt(biased variance + epsilon), the updated running mean `(1 - momentum) * runningMean +
 * momentum * mean` and running variance `(1 - momentum) * runningVar + momentum * unbiased variance` (PyTorch's rule;
 * n / max(n - 1, 1) for n values per channel), and gamma (1 when not affine); the two running rows again as `[C]`
 * tensors, to assign to the running variables. One stats tensor, because a webgpu program writes one buffer: the
 * running rows come from the same reduction, and the gradient saves this one tensor besides x.
 */
export type BatchNormTrainInputName = 'x' | 'runningMean' | 'runningVar' | 'gamma' | 'beta';

/**
 * `BatchNormTrainGrad` inputs: `dy` and `x` (x's shape), `stats` `[5, C]` from the forward kernel (rows 0, 1 and 4 are
 * read). Outputs: `dx` = gamma * invStd * (dy - mean(dy) - xhat * mean(dy * xhat)) with xhat = (x - mean) * invStd,
 * the gradient through the batch statistics; `sums` `[2, C]` = (sum dy, sum dy * xhat), the gradients of beta and gamma.
 */
export type BatchNormTrainGradInputName = 'dy' | 'x' | 'stats';

export const BatchNormTrainAttrs = t.readonly(t.type({ epsilon: t.number, momentum: t.number }), 'BatchNormTrainAttrs');
export type BatchNormTrainAttrs = t.TypeOf<typeof BatchNormTrainAttrs>;
