import type * as tf from '@tensorflow/tfjs-core';
import type { SearchEdgeWiring } from '@approx-darts/network-plan';
import type { BuildContext, Mode } from './block';
import { buildOperation } from './operations';

/** One candidate output of a mixed operation: op `index` of the op set applied to the edge's input. */
export interface Candidate {
  readonly index: number;
  readonly y: tf.Tensor4D;
}

/**
 * A mixed operation, unweighted: the outputs of its ops on x. The search cell weights them with softmax(alpha) and sums
 * every edge of a node in one WeightedSum kernel (ops/weighted-sum.ts).
 */
export type MixedOp = (x: tf.Tensor4D, mode: Mode) => readonly Candidate[];

/**
 * The candidates of sum_o softmax(alpha)_o * o(x) over the op set. `none` contributes exactly zero to the sum (its
 * weight still enters the softmax), so it is skipped instead of computed.
 */
export const mixedOp = (ctx: BuildContext, edge: SearchEdgeWiring, channels: number): MixedOp => {
  const blocks = edge.candidates.map((c) => ({ i: c.opIndex, block: c.op.kind === 'none' ? undefined : buildOperation(ctx, c.path, c.op, channels, edge.stride) }));
  return (x, mode) => blocks.flatMap(({ i, block }) => (block === undefined ? [] : [{ index: i, y: block(x, mode) }]));
};
