import * as tf from '@tensorflow/tfjs-core';
import type { CellSlot, Operation } from '@approx-darts/search-space';
import { edgeOperation, type GenotypeCell } from '@approx-darts/genotype';
import { evalCellWiring } from '@approx-darts/network-plan';
import type { Block, BuildContext, Mode } from '../search-network/block';
import { buildOperation } from '../search-network/operations';
import { preprocess } from '../search-network/search-cell';
import { dropPath } from './drop-path';

/** Per-call options of the evaluation network in training: drop-path probability and its random source. */
export interface DropPathOptions {
  readonly probability: number;
  readonly random: () => number;
}

/** A derived cell: (previous-previous output, previous output) -> concatenation of the `concat` states. */
export type EvalCell = (s0: tf.Tensor4D, s1: tf.Tensor4D, mode: Mode, drop?: DropPathOptions) => tf.Tensor4D;

export interface EvalCellShape {
  readonly cell: GenotypeCell;
  readonly slot: CellSlot;
  readonly operationOf: (name: string) => Operation;
}

/** Whether an op is the identity (DARTS applies drop path to every other op). */
const isIdentity = (op: Operation, stride: number): boolean => op.kind === 'skip' && stride === 1;

/**
 * The DARTS evaluation cell of one genotype cell, wired as the plan wires it (libs/network-plan/src/cell-wiring.ts):
 * preprocess both inputs to C channels, each node sums its kept edges, each edge op strided when it reads a cell
 * input of a reduction cell, and drop path on the non-identity edges during training.
 */
export const evalCell = (ctx: BuildContext, s: EvalCellShape): EvalCell => {
  const wired = evalCellWiring(s.cell, s.slot, (edge) => edgeOperation(s.operationOf(edge.op), edge));
  if (!wired.ok) throw new Error(wired.problem);
  const { wiring } = wired;
  const [pre0, pre1] = wiring.preprocess.map((p) => preprocess(ctx, p, wiring.channels)) as [Block, Block];
  const nodes = wiring.nodes.map((edges) =>
    edges.map((edge) => ({ input: edge.input, identity: isIdentity(edge.op, edge.stride), block: buildOperation(ctx, edge.path, edge.op, wiring.channels, edge.stride) })),
  );
  return (s0, s1, mode, drop) => {
    const states: tf.Tensor4D[] = [pre0(s0, mode), pre1(s1, mode)];
    for (const edges of nodes) {
      const terms = edges.map((e) => {
        const h = e.block(states[e.input]!, mode);
        return mode === 'train' && drop !== undefined && drop.probability > 0 && !e.identity ? dropPath(h, drop.probability, drop.random) : h;
      });
      states.push(terms.length === 1 ? terms[0]! : (tf.addN(terms) as tf.Tensor4D));
    }
    return tf.concat(
      s.cell.concat.map((i) => states[i]!),
      3,
    );
  };
};
