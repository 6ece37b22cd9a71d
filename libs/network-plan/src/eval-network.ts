import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { cellSlots, reductionCellsOf, type CellSlot, type CellType, type Macro, type Operation } from '@approx-darts/search-space';
import { edgeOperation, runOperations, type Genotype, type GenotypeCell } from '@approx-darts/genotype';
import type { Layer, NetworkPlan, Shape } from './layer';
import { add, asAuxiliary, bn, conv, globalAvgPool, linear, pool, type Block } from './layers';
import { operationBlock, preprocessBlock } from './darts-blocks';
import { evalCellWiring } from './cell-wiring';
import type { Padding } from './padding';

/** The evaluation network: affine BN, pools without BN. */
const EVAL_MODE = { affine: true, bnAfterPool: false } as const;
/** Cell input states (outputs of the two previous cells), as in DARTS. */
const CELL_INPUTS = 2;
const EXACT = { multiplier: null } as const;

/** How to build an evaluation network around a genotype. */
export interface EvalNetworkOptions {
  readonly channels: number;
  readonly cells: number;
  readonly classes?: number;
  readonly auxiliary?: boolean;
  /**
   * The run's multiplier (null or absent: exact float): on the ops the genotype's op sets bind, or on every
   * approximable op when they bind none or the genotype has no op sets (`runMultiplierOf`).
   */
  readonly multiplier?: string | null;
  readonly resolution?: number;
  readonly stemMultiplier?: number;
  /** Where stride-2 windows pad (libs/network-plan/src/padding.ts); default 'same'. */
  readonly padding?: Padding;
}

/** A genotype op name the plan cannot build. */
export interface PlanError {
  readonly message: string;
}

/** Looks up a genotype op of one cell type, bound to the table it runs on. */
type OpOf = (cell: CellType, name: string) => E.Either<PlanError, Operation>;

const runOperationsOf = (genotype: Genotype, multiplier: string | null): E.Either<PlanError, OpOf> =>
  pipe(
    runOperations(genotype, multiplier),
    E.bimap(
      (problems) => ({ message: problems.split('\n').join('; ') }),
      (opOf): OpOf => (cell, name) => E.fromNullable({ message: `unknown operation '${name}'` })(opOf(cell, name)),
    ),
  );

const evalCell = (cell: GenotypeCell, slot: CellSlot, s0: Shape, s1: Shape, opOf: OpOf, padding: Padding): E.Either<PlanError, Block> => {
  const cellType = slot.reduction ? 'reduce' : 'normal';
  const unknown: PlanError[] = [];
  // An edge that names its own multiplier (an energy-aware search) runs on it, whatever the run's is.
  const wired = evalCellWiring(cell, slot, (edge) => {
    const op = opOf(cellType, edge.op);
    if (E.isLeft(op)) unknown.push(op.left);
    return E.isRight(op) ? edgeOperation(op.right, edge) : undefined;
  });
  if (!wired.ok) return E.left(unknown[0] ?? { message: wired.problem });
  const { path, preprocess, nodes } = wired.wiring;
  const [pre0, pre1] = [preprocessBlock(preprocess[0], s0, slot.c, true), preprocessBlock(preprocess[1], s1, slot.c, true)];
  const states: Shape[] = [pre0.output, pre1.output];
  const layers: Layer[] = [...pre0.layers, ...pre1.layers];
  for (const [n, edges] of nodes.entries()) {
    let out = states[1] as Shape;
    for (const edge of edges) {
      const block = operationBlock(edge.path, edge.op, states[edge.input] as Shape, edge.stride, { ...EVAL_MODE, padding });
      layers.push(...block.layers);
      out = block.output;
    }
    layers.push(add(`${path}.node${n + CELL_INPUTS}.sum`, out, edges.length));
    states.push(out);
  }
  const first = states[cell.concat[0] as number] as Shape;
  return E.right({ layers, output: [cell.concat.length * slot.c, first[1], first[2]] });
};

/** DARTS's auxiliary head (CIFAR, 8x8 input): ReLU, avgpool 5/3, 1x1 conv 128 + BN, ReLU, 2x2 conv 768 + BN, ReLU, linear. */
const auxiliaryHead = (input: Shape, classes: number): readonly Layer[] => {
  const p = pool('auxiliary.pool', input, 'avg', 5, 3, 0);
  const c1 = conv('auxiliary.conv1', p.output, { kind: 'conv', outChannels: 128, kernel: 1 }, EXACT);
  const c2 = conv('auxiliary.conv2', c1.output, { kind: 'conv', outChannels: 768, kernel: 2 }, EXACT);
  return asAuxiliary([p, c1, bn('auxiliary.bn1', c1.output, true), c2, bn('auxiliary.bn2', c2.output, true), linear('auxiliary.classifier', 768 * c2.output[1] * c2.output[2], classes)]);
};

/**
 * Every layer of the evaluation network of a genotype (docs/DARTS.md): stem 3x3 conv + BN, the cells with their
 * preprocessing, the auxiliary head after the 2/3 reduction (when asked), global average pooling, classifier.
 * @example pipe(evalNetworkPlan(DARTS_V2, { channels: 36, cells: 20 }), E.map((p) => p.layers.length > 0))
 */
export const evalNetworkPlan = (genotype: Genotype, opts: EvalNetworkOptions): E.Either<PlanError, NetworkPlan> => {
  const { channels, cells, classes = 10, auxiliary = false, multiplier = null, resolution = 32, stemMultiplier = 3, padding = 'same' } = opts;
  const opOf = runOperationsOf(genotype, multiplier);
  if (E.isLeft(opOf)) return opOf;
  const input: Shape = [3, resolution, resolution];
  const stem = conv('stem.conv', input, { kind: 'conv', outChannels: stemMultiplier * channels, kernel: 3, pad: 1 }, EXACT);
  const layers: Layer[] = [stem, bn('stem.bn', stem.output, true)];
  const macro: Macro = { cells, channels, stemMultiplier, classes };
  // The auxiliary head follows the last reduction cell (2/3 of the depth by default), as in the trained network.
  const auxAt = reductionCellsOf(macro).at(-1);
  let [s0, s1] = [stem.output, stem.output];
  // Each cell's output width is its own concat (DARTS's cell.multiplier), so normal and reduce may differ.
  for (const slot of cellSlots(macro, { normal: genotype.normal.concat.length, reduce: genotype.reduce.concat.length })) {
    const cell = evalCell(slot.reduction ? genotype.reduce : genotype.normal, slot, s0, s1, opOf.right, padding);
    if (E.isLeft(cell)) return cell;
    layers.push(...cell.right.layers);
    [s0, s1] = [s1, cell.right.output];
    if (auxiliary && slot.index === auxAt) layers.push(...auxiliaryHead(s1, classes));
  }
  layers.push(globalAvgPool('global_pooling', s1), linear('classifier', s1[0], classes));
  return E.right({ input, classes, layers });
};
