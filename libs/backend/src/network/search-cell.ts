import * as tf from '@tensorflow/tfjs-core';
import { concatOf, edgesOf, type OpSet, type Topology } from '@approx-darts/search-space';
import type { BuildContext, Mode } from './block';
import { weightedSum } from '../ops/weighted-sum';
import { mixedOp } from './mixed-op';
import { factorizedReduce, reluConvBn } from './operations';

/** A search cell: (previous-previous output, previous output, softmax(alpha) [edges, ops]) -> cell output. */
export type SearchCell = (s0: tf.Tensor4D, s1: tf.Tensor4D, weights: tf.Tensor2D, mode: Mode) => tf.Tensor4D;

export interface SearchCellShape {
  readonly topology: Topology;
  readonly ops: OpSet;
  /** Input channels of the two cell inputs and the cell's own channel count C. */
  readonly cPrevPrev: number;
  readonly cPrev: number;
  readonly channels: number;
  readonly reduction: boolean;
  readonly reductionPrev: boolean;
}

/**
 * The DARTS search cell: preprocess both inputs to C channels (FactorizedReduce for the first input after a
 * reduction), every intermediate node sums the mixed ops of its incoming edges (stride 2 on edges from the
 * inputs of a reduction cell), and the output concatenates the intermediate nodes.
 */
export const searchCell = (ctx: BuildContext, name: string, s: SearchCellShape): SearchCell => {
  const pre0 = s.reductionPrev ? factorizedReduce(ctx, `${name}.pre0`, s.cPrevPrev, s.channels) : reluConvBn(ctx, `${name}.pre0`, s.cPrevPrev, s.channels, 1, 1);
  const pre1 = reluConvBn(ctx, `${name}.pre1`, s.cPrev, s.channels, 1, 1);
  const edges = edgesOf(s.topology).map((e) => ({
    ...e,
    op: mixedOp(ctx.edgeBindingOf === undefined ? ctx : { ...ctx, bindingOf: ctx.edgeBindingOf(s.reduction, e.index) }, `${name}.edges.${e.index}`, s.ops, s.channels, s.reduction && e.from < s.topology.inputs ? 2 : 1),
  }));
  const concat = concatOf(s.topology);
  if (s.topology.inputs !== 2) throw new Error(`search cells take 2 inputs, the topology has ${s.topology.inputs}`);
  return (s0, s1, weights, mode) => {
    const states: tf.Tensor4D[] = [pre0(s0, mode), pre1(s1, mode)];
    for (const to of concat) {
      // Every candidate of every incoming edge, weighted by its entry of the [edges, ops] softmax, in one kernel.
      const candidates = edges.filter((e) => e.to === to).flatMap((e) => e.op(states[e.from] as tf.Tensor4D, mode).map((c) => ({ y: c.y, at: e.index * s.ops.length + c.index })));
      const [first] = candidates;
      if (first === undefined) throw new Error(`${name}: node ${to} has no candidate operation (every op of its edges is 'none')`);
      states.push(
        weightedSum(
          weights,
          candidates.map((c) => c.y),
          candidates.map((c) => c.at),
        ),
      );
    }
    return tf.concat(
      concat.map((i) => states[i] as tf.Tensor4D),
      3,
    );
  };
};
