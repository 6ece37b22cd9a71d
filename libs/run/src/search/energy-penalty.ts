import * as tf from '@tensorflow/tfjs-core';
import type { SearchEnergyTable } from '@approx-darts/energy';
import type { SearchNetwork } from '@approx-darts/networks';
import { expectedEnergyOf } from './expected-energy';

/**
 * The energy term of an energy-aware search's architecture loss, lambda * E / E_ref, with E the expected energy under
 * softmax(alpha) and softmax(beta) read from the network's variables (so the tape gives both their gradient).
 */
export const energyPenalty = (net: SearchNetwork, table: SearchEnergyTable, weight: number): { readonly fn: () => tf.Scalar; readonly dispose: () => void } => {
  const energy = expectedEnergyOf(table);
  const { betas } = net;
  if (betas === undefined) throw new Error('energyPenalty: the network has no multiplier parameters');
  const fn = (): tf.Scalar => {
    const e = energy.fn({
      ops: { normal: tf.softmax(net.alphas.normal as tf.Tensor2D), reduce: tf.softmax(net.alphas.reduce as tf.Tensor2D) },
      multipliers: { normal: tf.softmax(betas.normal as tf.Tensor3D), reduce: tf.softmax(betas.reduce as tf.Tensor3D) },
    });
    return tf.mul(e, weight / table.referencePj);
  };
  return { fn, dispose: energy.dispose };
};
