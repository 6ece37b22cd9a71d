import * as tf from '@tensorflow/tfjs-core';

/**
 * Scales gradients so their global L2 norm is at most `maxNorm` (PyTorch `clip_grad_norm_`: factor
 * maxNorm / (norm + 1e-6), applied only when below 1). Returns new tensors (clones when nothing is scaled), so the
 * caller disposes both maps; `norm` is the norm before clipping (the value PyTorch returns).
 */
export const clipByGlobalNorm = (grads: tf.NamedTensorMap, maxNorm: number): { grads: tf.NamedTensorMap; norm: number } =>
  tf.tidy(() => {
    const entries = Object.entries(grads);
    const squares = entries.map(([, g]) => tf.sum(tf.square(g)));
    const norm = squares.length === 0 ? 0 : Math.sqrt(tf.addN(squares).dataSync()[0] ?? 0);
    const factor = maxNorm / (norm + 1e-6);
    const clipped: tf.NamedTensorMap = {};
    for (const [name, g] of entries) {
      const out = factor < 1 ? tf.mul(g, factor) : tf.clone(g);
      tf.keep(out);
      clipped[name] = out;
    }
    return { grads: clipped, norm };
  });
