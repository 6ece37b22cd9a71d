import * as tf from '@tensorflow/tfjs-core';
import type { Operation } from '@approx-darts/search-space';
import { edgeOperation, type GenotypeCell } from '@approx-darts/genotype';
import type { Block, BuildContext, Mode } from '../network/block';
import { factorizedReduce, reluConvBn } from '../network/operations';
import { buildOperation } from '../network/operations';
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
  readonly cPrevPrev: number;
  readonly cPrev: number;
  readonly channels: number;
  readonly reduction: boolean;
  readonly reductionPrev: boolean;
  readonly operationOf: (name: string) => Operation;
}

/** Whether an op is the identity (DARTS applies drop path to every other op). */
const isIdentity = (op: Operation, stride: number): boolean => op.kind === 'skip' && stride === 1;

/**
 * The DARTS evaluation cell of one genotype cell: preprocess both inputs to C channels, each node sums its
 * (two) kept edges, each edge op strided when it reads a cell input of a reduction cell, and drop path on the
 * non-identity edges during training.
 */
export const evalCell = (ctx: BuildContext, name: string, s: EvalCellShape): EvalCell => {
  const pre0: Block = s.reductionPrev
    ? factorizedReduce(ctx, `${name}.pre0`, s.cPrevPrev, s.channels)
    : reluConvBn(ctx, `${name}.pre0`, s.cPrevPrev, s.channels, 1, 1);
  const pre1 = reluConvBn(ctx, `${name}.pre1`, s.cPrev, s.channels, 1, 1);
  const nodes = s.cell.nodes.map((edges, node) =>
    edges.map((edge, j) => {
      const op = edgeOperation(s.operationOf(edge.op), edge);
      const stride = s.reduction && edge.input < 2 ? 2 : 1;
      if (edge.input < 0 || edge.input >= node + 2) throw new Error(`${name}: node ${node + 2} reads state ${edge.input}, which does not exist yet`);
      return { input: edge.input, identity: isIdentity(op, stride), block: buildOperation(ctx, `${name}.nodes.${node}.${j}_${op.name}`, op, s.channels, stride) };
    }),
  );
  for (const i of s.cell.concat) {
    if (i < 0 || i >= nodes.length + 2) throw new Error(`${name}: concat names state ${i}, the cell has ${nodes.length + 2}`);
  }
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
