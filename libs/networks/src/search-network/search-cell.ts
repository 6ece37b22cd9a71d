import * as tf from '@tensorflow/tfjs-core';
import type { PreprocessWiring, SearchCellWiring } from '@approx-darts/network-plan';
import type { Block, BuildContext, Mode } from './block';
import { weightedSum } from '@approx-darts/kernels';
import { mixedOp } from './mixed-op';
import { factorizedReduce, reluConvBn } from './operations';

/** A search cell: (previous-previous output, previous output, softmax(alpha) [edges, ops]) -> cell output. */
export type SearchCell = (s0: tf.Tensor4D, s1: tf.Tensor4D, weights: tf.Tensor2D, mode: Mode) => tf.Tensor4D;

/** The preprocessing of a cell input to the cell's C channels, as its wiring says. */
export const preprocess = (ctx: BuildContext, p: PreprocessWiring, channels: number): Block =>
  p.kind === 'factorized_reduce' ? factorizedReduce(ctx, p.path, p.inChannels, channels) : reluConvBn(ctx, p.path, p.inChannels, channels, 1, 1);

/**
 * The DARTS search cell of `wiring` (libs/network-plan/src/cell-wiring.ts, the plan's own): preprocess both inputs,
 * every intermediate node sums the mixed ops of its incoming edges, and the output concatenates the nodes.
 */
export const searchCell = (ctx: BuildContext, wiring: SearchCellWiring): SearchCell => {
  const name = wiring.path;
  const [pre0, pre1] = wiring.preprocess.map((p) => preprocess(ctx, p, wiring.channels)) as [Block, Block];
  const opCount = wiring.nodes[0]?.edges[0]?.candidates.length ?? 0;
  // An energy-aware search binds each edge's ops to its own mix of multipliers (multiplier-betas.ts).
  const ctxOf = (edge: number): BuildContext => (ctx.edgeBindingOf === undefined ? ctx : { ...ctx, bindingOf: ctx.edgeBindingOf(wiring.reduction, edge) });
  const nodes = wiring.nodes.map(({ to, edges }) => ({ to, edges: edges.map((e) => ({ ...e, op: mixedOp(ctxOf(e.index), e, wiring.channels) })) }));
  const { concat } = wiring;
  return (s0, s1, weights, mode) => {
    const states: tf.Tensor4D[] = [pre0(s0, mode), pre1(s1, mode)];
    for (const { to, edges } of nodes) {
      // Every candidate of every incoming edge, weighted by its entry of the [edges, ops] softmax, in one kernel.
      const candidates = edges.flatMap((e) => e.op(states[e.from] as tf.Tensor4D, mode).map((c) => ({ y: c.y, at: e.index * opCount + c.index })));
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
