import * as tf from '@tensorflow/tfjs-core';

/**
 * DARTS's drop path: zero whole samples with probability p and scale the survivors by 1/(1-p), so the expectation
 * is unchanged. `random` draws uniforms in [0, 1) (a seeded generator, so a resumed run draws the same masks).
 */
export const dropPath = (x: tf.Tensor4D, p: number, random: () => number): tf.Tensor4D => {
  if (p <= 0) return x;
  const keep = 1 - p;
  const n = x.shape[0];
  const mask = Float32Array.from({ length: n }, () => (random() < keep ? 1 / keep : 0));
  return tf.mul(x, tf.tensor4d(mask, [n, 1, 1, 1]));
};

/**
 * The drop-path probability at an epoch: rises linearly from 0 (DARTS: drop_prob * epoch / epochs).
 * @example dropPathAt(0.3, 300, 600) === 0.15
 */
export const dropPathAt = (dropPath: number, epoch: number, epochs: number): number => (epochs > 0 ? (dropPath * epoch) / epochs : 0);
