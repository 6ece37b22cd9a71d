import * as tf from '@tensorflow/tfjs-core';
import { buildEvalNetwork, type EvalNetwork } from '@approx-darts/networks';
import type { Genotype } from '@approx-darts/genotype';
import type { Padding } from '@approx-darts/network-plan';

const edge = (op: string, input: number) => ({ op, input });

/** Every op kind of the DARTS space, and in the reduction cell every one at stride 2 (skip as FactorizedReduce). */
export const EVERY_OP: Genotype = {
  normal: { nodes: [[edge('sep_conv_3x3', 0), edge('sep_conv_5x5', 1)], [edge('dil_conv_3x3', 0), edge('dil_conv_5x5', 1)], [edge('skip_connect', 0), edge('avg_pool_3x3', 1)], [edge('max_pool_3x3', 2), edge('sep_conv_3x3', 3)]], concat: [2, 3, 4, 5] },
  reduce: { nodes: [[edge('sep_conv_5x5', 0), edge('dil_conv_5x5', 1)], [edge('avg_pool_3x3', 0), edge('skip_connect', 1)], [edge('max_pool_3x3', 0), edge('dil_conv_3x3', 1)], [edge('sep_conv_3x3', 2), edge('skip_connect', 3)]], concat: [2, 3, 4, 5] },
};
/** Three cells (reductions at 1 and 2, so cell 2 preprocesses with a FactorizedReduce), C = 4. */
export const MACRO = { cells: 3, channels: 4, stemMultiplier: 3, classes: 10 };

/** The network with trained-looking state: a few training-mode passes move the BN statistics and record input ranges. */
export const trainedNetwork = (padding: Padding): EvalNetwork => {
  const net = buildEvalNetwork({ genotype: EVERY_OP, macro: MACRO, seed: 5, auxiliary: false, approx: null, padding });
  for (let i = 0; i < 3; i++) tf.tidy(() => void net.forward(tf.randomNormal([4, 32, 32, 3], 0, 1, 'float32', 20 + i) as tf.Tensor4D, 'train'));
  return net;
};

/** The largest absolute difference over the largest magnitude of `want`. */
export const relativeError = (got: ArrayLike<number>, want: ArrayLike<number>): number => {
  const scale = Math.max(...Array.from(want, Math.abs));
  return Math.max(...Array.from(want, (w, i) => Math.abs((got[i] as number) - w))) / scale;
};
