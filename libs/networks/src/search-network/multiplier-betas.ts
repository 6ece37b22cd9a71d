import * as tf from '@tensorflow/tfjs-core';
import { edgesOf, isApproximable, type Operation, type SearchSpace } from '@approx-darts/search-space';
import { approximableColumns } from '@approx-darts/genotype';
import type { ApproxBinding } from './conv';
import type { ApproxChoice } from './multiplier-mix';
import { normalInit, param, type ParamStore } from './params';

/** The multiplier parameters (betas) of an energy-aware search: `[edges, approximable ops, multipliers]` per cell type. */
export interface Betas {
  readonly normal: tf.Variable;
  readonly reduce: tf.Variable;
}

/**
 * Creates the betas in the store (role 'alpha', so checkpoints and the architecture optimizer hold them), initialized
 * like the alphas (1e-3 * randn), named `betas.normal` / `betas.reduce`.
 */
export const createBetas = (store: ParamStore, space: SearchSpace, multipliers: number): Betas => {
  const edges = edgesOf(space.topology).length;
  return {
    normal: param(store, 'betas.normal', [edges, approximableColumns(space.normal).length, multipliers], normalInit(1e-3), 'alpha'),
    reduce: param(store, 'betas.reduce', [edges, approximableColumns(space.reduce).length, multipliers], normalInit(1e-3), 'alpha'),
  };
};

/**
 * The bindings of one edge's ops: each approximable op mixes the multiplier set by softmax of its beta row; other
 * ops are exact.
 */
export const betaBindings =
  (space: SearchSpace, betas: Betas, bindings: readonly (ApproxBinding | null)[]) =>
  (reduction: boolean, edge: number) =>
  (op: Operation): ApproxChoice => {
    if (!isApproximable(op)) return null;
    const ops = reduction ? space.reduce : space.normal;
    const k = approximableColumns(ops).indexOf(ops.findIndex((o) => o.name === op.name));
    const variable = reduction ? betas.reduce : betas.normal;
    const m = bindings.length;
    return { bindings, weights: () => tf.softmax(tf.reshape(tf.slice(variable, [edge, k, 0], [1, 1, m]), [m])) as tf.Tensor1D };
  };
