import * as tf from '@tensorflow/tfjs-core';

/** The squared global L2 norm of gradients, as a device scalar (0 for none); the caller disposes it. */
export const globalNormSquared = (grads: tf.NamedTensorMap): tf.Scalar =>
  tf.tidy(() => {
    const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    return (squares.length === 0 ? tf.scalar(0) : tf.addN(squares)) as tf.Scalar;
  });

/**
 * Scales gradients so their global L2 norm is at most `maxNorm`, as PyTorch's `clip_grad_norm_` does on the device:
 * every gradient is multiplied by min(1, maxNorm / (norm + 1e-6)), so nothing is read back and the step that follows
 * is queued without waiting (a factor of 1 leaves a gradient bit for bit unchanged). Returns new tensors and the
 * squared norm before clipping (the host takes its square root once it reads the step's scalars); the caller
 * disposes all of them.
 */
export const clipByGlobalNorm = (grads: tf.NamedTensorMap, maxNorm: number): { readonly grads: tf.NamedTensorMap; readonly normSquared: tf.Scalar } => {
  const normSquared = globalNormSquared(grads);
  const clipped = tf.tidy(() => {
    const factor = tf.minimum(tf.div(maxNorm, tf.add(tf.sqrt(normSquared), 1e-6)), 1);
    return Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, factor)] as const));
  });
  return { grads: clipped, normSquared };
};
