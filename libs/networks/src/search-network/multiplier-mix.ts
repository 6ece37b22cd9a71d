import * as tf from '@tensorflow/tfjs-core';
import type { ApproxBinding } from './conv';
import { weightedSum } from '@approx-darts/kernels';

/**
 * An approximable op of an energy-aware search: its convolutions run on every multiplier of the set with the same
 * weights, and their outputs are mixed by softmax(beta) of the op's row (`weights`, read under the caller's tape so
 * the betas get their gradient). A null binding is exact float32.
 */
export interface MultiplierMix {
  readonly bindings: readonly (ApproxBinding | null)[];
  readonly weights: () => tf.Tensor1D;
}

/** How an op's convolutions multiply: one binding (null = exact) or a mix over a multiplier set. */
export type ApproxChoice = ApproxBinding | null | MultiplierMix;

/**
 * Whether a choice is a multiplier mix.
 * @example isMultiplierMix(null) === false
 */
export const isMultiplierMix = (a: ApproxChoice): a is MultiplierMix => a !== null && 'bindings' in a;

/**
 * A convolution under a choice: `conv(binding)` for a single binding, else sum_m softmax(beta)_m * conv(binding_m),
 * in one fused weighted sum (the kernel search nodes use).
 * @example mixedConv((b) => conv2d(x, w, { strides: 1, dilation: 1, pad: 'same', approx: b }), choice)
 */
export const mixedConv = (conv: (binding: ApproxBinding | null) => tf.Tensor4D, choice: ApproxChoice): tf.Tensor4D => {
  if (!isMultiplierMix(choice)) return conv(choice);
  const ys = choice.bindings.map((b) => conv(b));
  return weightedSum(choice.weights(), ys, ys.map((_, m) => m));
};
