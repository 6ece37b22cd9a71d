import * as tf from '@tensorflow/tfjs-core';
import type { OpSet } from '@approx-darts/search-space';
import type { BuildContext, Mode } from './block';
import { buildOperation } from './operations';

/** A mixed operation: applied to x with the softmax weights of its alpha row. */
export type MixedOp = (x: tf.Tensor4D, weights: tf.Tensor1D, mode: Mode) => tf.Tensor4D;

/**
 * sum_o softmax(alpha)_o * o(x) over the op set. `none` contributes exactly zero to the sum (its weight still
 * enters the softmax), so it is skipped instead of computed.
 */
export const mixedOp = (ctx: BuildContext, name: string, ops: OpSet, channels: number, stride: number): MixedOp => {
  const blocks = ops.map((op, i) => ({ i, op, block: op.kind === 'none' ? undefined : buildOperation(ctx, `${name}.${i}_${op.name}`, op, channels, stride) }));
  return (x, weights, mode) => {
    const terms = blocks.flatMap(({ i, block }) => (block === undefined ? [] : [tf.mul(block(x, mode), tf.slice(weights, [i], [1]))]));
    return terms.length === 0 ? tf.zeros([x.shape[0], Math.ceil(x.shape[1] / stride), Math.ceil(x.shape[2] / stride), x.shape[3]]) : (tf.addN(terms) as tf.Tensor4D);
  };
};
