import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node bundle registers no gradients; see network/gradients for why they are loaded one by one.
import '@approx-darts/kernels';
import * as E from 'fp-ts/Either';
import { cellSlots, multiplierOf, reductionCellsOf, type CellType, type Macro, type Operation } from '@approx-darts/search-space';
import { runOperations, type Genotype } from '@approx-darts/genotype';
import type { Padding } from '@approx-darts/network-plan';
import { batchNorm } from '../search-network/batch-norm';
import type { BuildContext, Mode } from '../search-network/block';
import type { ApproxBinding } from '@approx-darts/kernels';
import { createParamStore, param, uniformFanIn, type ParamStore } from '../search-network/params';
import { auxiliaryHead } from './auxiliary-head';
import { evalCell, type DropPathOptions } from './eval-cell';

/** Parameters under this prefix belong to the auxiliary head (excluded from the reported count, as DARTS does). */
export const AUXILIARY_PREFIX = 'auxiliary.';

export interface EvalNetworkOptions {
  readonly genotype: Genotype;
  readonly macro: Macro;
  readonly seed: number;
  /** Build the auxiliary head (after the second reduction cell). */
  readonly auxiliary: boolean;
  /**
   * The run's binding; null = fp32. It goes to the ops the genotype's op sets bind, or to every approximable op
   * when they bind none or the genotype has no op sets (`runMultiplierOf`); the rest stay exact.
   */
  readonly approx: ApproxBinding | null;
  /** The tables of the multipliers the genotype's edges name (an energy-aware search; null = fp32), by name. */
  readonly edgeBindings?: ReadonlyMap<string, ApproxBinding | null>;
  readonly inChannels?: number;
  /** Where stride-2 windows pad (libs/network-plan/src/padding.ts); default 'same'. */
  readonly padding?: Padding;
}

export interface EvalOutput {
  readonly logits: tf.Tensor2D;
  /** Auxiliary logits: present in training mode when the network has the head. */
  readonly auxLogits?: tf.Tensor2D;
}

/** The network trained from a genotype (docs/DARTS.md "Evaluation network"). */
export interface EvalNetwork {
  readonly store: ParamStore;
  readonly options: EvalNetworkOptions;
  /** Trainable weights (BN running statistics and recorded ranges excluded). */
  readonly weights: readonly tf.Variable[];
  readonly forward: (x: tf.Tensor4D, mode: Mode, drop?: DropPathOptions) => EvalOutput;
}

/** The genotype's ops of one cell type by name, each bound to the table it runs on (or exact). */
const operationsOf = (genotype: Genotype, multiplier: string | null): ((cell: CellType) => (name: string) => Operation) => {
  const opOf = E.getOrElseW((problems: string) => {
    throw new Error(`genotype: ${problems.split('\n').join('; ')}`);
  })(runOperations(genotype, multiplier));
  return (cell) => (name) => {
    const op = opOf(cell, name);
    if (op === undefined) throw new Error(`genotype op '${name}' is not an operation of the ${cell} cell`);
    return op;
  };
};

/**
 * Builds DARTS's NetworkCIFAR from a genotype: stem 3x3 conv (stemMultiplier * C) + BN, `cells` cells (reduction
 * cells at 1/3 and 2/3 doubling C), the auxiliary head after the second reduction, global average pooling and a
 * linear classifier. BN is affine; the approximated ops run on `approx`, and every sep/dil/conv op records its input range.
 * @example buildEvalNetwork({ genotype: DARTS_V2, macro: { cells: 3, channels: 4, stemMultiplier: 3, classes: 10 }, seed: 0, auxiliary: false, approx: null })
 */
export const buildEvalNetwork = (o: EvalNetworkOptions): EvalNetwork => {
  const store = createParamStore(o.seed);
  // An op bound to an edge's own multiplier runs on that table; the rest on the run's.
  const bindingOf = (op: Operation): ApproxBinding | null => {
    const m = multiplierOf(op);
    if (m === undefined) return null;
    const own = o.edgeBindings?.get(m);
    return own === undefined ? o.approx : own;
  };
  const ctx: BuildContext = { store, affine: true, poolBn: false, bindingOf, recordRanges: true, ...(o.padding !== undefined ? { padding: o.padding } : {}) };
  const opsOf = operationsOf(o.genotype, o.approx?.table.name ?? null);
  const { channels, stemMultiplier, classes } = o.macro;
  const inChannels = o.inChannels ?? 3;
  const stemChannels = stemMultiplier * channels;
  const stemW = param(store, 'stem.conv', [3, 3, inChannels, stemChannels], uniformFanIn(9 * inChannels));
  const stemBn = batchNorm(store, 'stem.bn', stemChannels, { affine: true });

  const slots = cellSlots(o.macro, { normal: o.genotype.normal.concat.length, reduce: o.genotype.reduce.concat.length });
  const reductions = reductionCellsOf(o.macro);
  if (o.auxiliary && reductions.length < 2)
    throw new Error(`the auxiliary head needs two reduction cells (an 8x8 map); a ${o.macro.cells}-cell network has ${reductions.length}: build it without the head`);
  const auxAfter = reductions.at(-1);
  let head: ReturnType<typeof auxiliaryHead> | undefined;
  const built = slots.map((slot) => {
    const cell = slot.reduction ? o.genotype.reduce : o.genotype.normal;
    const operationOf = opsOf(slot.reduction ? 'reduce' : 'normal');
    const evalCellSpec = { cell, slot, operationOf };
    if (o.auxiliary && slot.index === auxAfter) head = auxiliaryHead(store, 'auxiliary', slot.out, classes);
    return { cell: evalCell(ctx, evalCellSpec) };
  });
  const cPrev = slots.at(-1)?.out ?? stemChannels;
  const classifierW = param(store, 'classifier.weight', [cPrev, classes], uniformFanIn(cPrev));
  const classifierB = param(store, 'classifier.bias', [classes], uniformFanIn(cPrev));

  const forward = (x: tf.Tensor4D, mode: Mode, drop?: DropPathOptions): EvalOutput => {
    const stem = stemBn(tf.conv2d(x, stemW as tf.Tensor4D, 1, 'same'), mode);
    let s0 = stem;
    let s1 = stem;
    let auxLogits: tf.Tensor2D | undefined;
    built.forEach(({ cell }, i) => {
      const next = cell(s0, s1, mode, drop);
      s0 = s1;
      s1 = next;
      if (head !== undefined && mode === 'train' && i === auxAfter) auxLogits = head(s1, mode);
    });
    const pooled = tf.mean(s1, [1, 2]) as tf.Tensor2D;
    const logits = tf.add(tf.matMul(pooled, classifierW as tf.Tensor2D), classifierB) as tf.Tensor2D;
    return auxLogits === undefined ? { logits } : { logits, auxLogits };
  };
  const weights = [...store.entries.values()].filter((e) => e.role === 'weight').map((e) => e.variable);
  return { store, options: o, weights, forward };
};

/**
 * The parameter count DARTS reports: trainable weights without the auxiliary head.
 * @example countEvalParameters(buildEvalNetwork({ genotype: DARTS_V2, macro: DARTS_EVAL_MACRO, seed: 0, auxiliary: true, approx: null })) // 3349342
 */
export const countEvalParameters = (network: EvalNetwork): number =>
  [...network.store.entries.values()].filter((e) => e.role === 'weight' && !e.name.startsWith(AUXILIARY_PREFIX)).reduce((n, e) => n + e.variable.size, 0);
