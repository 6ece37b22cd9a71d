import * as tf from '@tensorflow/tfjs-core';
import '@approx-darts/kernels';
import { cellSlots, edgesOf, type Operation, type SearchSpace } from '@approx-darts/search-space';
import { searchCellWiring, type Padding } from '@approx-darts/network-plan';
import { batchNorm } from './batch-norm';
import type { BuildContext, Mode } from './block';
import { conv2d, type ApproxBinding } from './conv';
import { createParamStore, normalInit, param, uniformFanIn, variablesOf, type ParamStore } from './params';
import { searchCell } from './search-cell';
import { betaBindings, createBetas, type Betas } from './multiplier-betas';
import type { ApproxChoice } from './multiplier-mix';

/** The architecture parameters: one [edges, ops] matrix per cell type. */
export interface Alphas {
  readonly normal: tf.Variable;
  readonly reduce: tf.Variable;
}

/** The DARTS supernet over a search space: weights and alphas as tfjs variables, and its forward pass. */
export interface SearchNetwork {
  readonly space: SearchSpace;
  readonly store: ParamStore;
  readonly alphas: Alphas;
  /** Multiplier parameters of an energy-aware search (`multipliers` given), absent otherwise. */
  readonly betas?: Betas;
  /** Trainable network weights (alphas and BN running statistics excluded). */
  readonly weights: readonly tf.Variable[];
  /** Logits [batch, classes] of an NHWC batch. */
  readonly forward: (x: tf.Tensor4D, mode: Mode) => tf.Tensor2D;
}

export interface SearchNetworkOptions {
  readonly seed: number;
  /** The binding of an approximable op (by its `multiplier`); absent = every op exact. */
  readonly bindingOf?: (op: Operation) => ApproxChoice;
  /**
   * An energy-aware search's multiplier set (null = fp32): every approximable op runs on each with shared weights,
   * mixed by softmax of its betas; `bindingOf` is then not used.
   */
  readonly multipliers?: readonly (ApproxBinding | null)[];
  readonly inChannels?: number;
  /** Where stride-2 windows pad (libs/network-plan/src/padding.ts); default 'same'. */
  readonly padding?: Padding;
}

/**
 * Builds the search network of docs/DARTS.md: stem 3x3 conv (stemMultiplier * C) + BN, `cells` search cells with
 * reductions at 1/3 and 2/3 of the depth doubling C, global average pooling and a linear classifier.
 * BN inside cells is not affine and pools are followed by BN; alphas start at 1e-3 * randn as in DARTS.
 * @example buildSearchNetwork(DARTS_SPACE, { seed: 0 }).forward(tf.zeros([2, 32, 32, 3]), 'train').shape // [2, 10]
 */
export const buildSearchNetwork = (space: SearchSpace, o: SearchNetworkOptions): SearchNetwork => {
  const store = createParamStore(o.seed);
  const betas = o.multipliers === undefined ? undefined : createBetas(store, space, o.multipliers.length);
  const ctx: BuildContext = {
    store,
    affine: false,
    poolBn: true,
    bindingOf: o.bindingOf ?? (() => null),
    ...(o.padding !== undefined ? { padding: o.padding } : {}),
    ...(betas !== undefined && o.multipliers !== undefined ? { edgeBindingOf: betaBindings(space, betas, o.multipliers) } : {}),
  };
  const { channels, stemMultiplier, classes } = space.macro;
  const inChannels = o.inChannels ?? 3;
  const stemChannels = stemMultiplier * channels;
  const stemW = param(store, 'stem.conv', [3, 3, inChannels, stemChannels], uniformFanIn(9 * inChannels));
  const stemBn = batchNorm(store, 'stem.bn', stemChannels, { affine: true });

  const width = { normal: space.topology.nodes, reduce: space.topology.nodes };
  const slots = cellSlots(space.macro, width);
  const built = slots.map((slot) => ({
    reduction: slot.reduction,
    cell: searchCell(ctx, searchCellWiring(space.topology, slot.reduction ? space.reduce : space.normal, slot)),
  }));
  const cPrev = slots.at(-1)?.out ?? stemChannels;
  const classifierW = param(store, 'classifier.weight', [cPrev, classes], uniformFanIn(cPrev));
  const classifierB = param(store, 'classifier.bias', [classes], uniformFanIn(cPrev));

  const edges = edgesOf(space.topology).length;
  const alphas: Alphas = {
    normal: param(store, 'alphas.normal', [edges, space.normal.length], normalInit(1e-3), 'alpha'),
    reduce: param(store, 'alphas.reduce', [edges, space.reduce.length], normalInit(1e-3), 'alpha'),
  };

  const forward = (x: tf.Tensor4D, mode: Mode): tf.Tensor2D => {
    const normalW = tf.softmax(alphas.normal as tf.Tensor2D);
    const reduceW = tf.softmax(alphas.reduce as tf.Tensor2D);
    const stem = stemBn(conv2d(x, stemW as tf.Tensor4D, { strides: 1, dilation: 1, pad: 'same' }), mode);
    let s0 = stem;
    let s1 = stem;
    for (const { reduction, cell } of built) {
      const next = cell(s0, s1, reduction ? reduceW : normalW, mode);
      s0 = s1;
      s1 = next;
    }
    const pooled = tf.mean(s1, [1, 2]) as tf.Tensor2D;
    return tf.add(tf.matMul(pooled, classifierW as tf.Tensor2D), classifierB);
  };
  return { space, store, alphas, ...(betas !== undefined ? { betas } : {}), weights: variablesOf(store, 'weight'), forward };
};
