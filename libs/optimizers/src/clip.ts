import * as tf from '@tensorflow/tfjs-core';

// tfjs-webgpu asks for the default limit of 8 storage buffers per shader stage, and its AddN binds every input and
// the output: a network's hundreds of gradients are summed 7 at a time, the running sum first, which on the cpu
// engine adds in the same order, with the same float32 roundings, as one AddN over all of them.
const ADD_N_INPUTS = 7;

/** The squared global L2 norm of some tensors (gradients), as a device scalar (0 for none); the caller disposes it. */
export const globalNormSquared = (tensors: readonly tf.Tensor[]): tf.Scalar =>
  tf.tidy(() => {
    const squares = tensors.map((g) => tf.sum(tf.square(g)));
    let total = squares[0] ?? tf.scalar(0);
    for (let i = 1; i < squares.length; i += ADD_N_INPUTS - 1) total = tf.addN([total, ...squares.slice(i, i + ADD_N_INPUTS - 1)]);
    return total as tf.Scalar;
  });

/**
 * Scales gradients so their global L2 norm is at most `maxNorm`, as PyTorch's `clip_grad_norm_` does on the device:
 * every gradient is multiplied by min(1, maxNorm / (norm + 1e-6)), so nothing is read back and the step that follows
 * is queued without waiting (a factor of 1 leaves a gradient bit for bit unchanged). Returns new tensors and the
 * squared norm before clipping (the host takes its square root once it reads the step's scalars); the caller
 * disposes all of them.
 */
export const clipByGlobalNorm = (grads: tf.NamedTensorMap, maxNorm: number): { readonly grads: tf.NamedTensorMap; readonly normSquared: tf.Scalar } => {
  const normSquared = globalNormSquared(Object.values(grads));
  const clipped = tf.tidy(() => {
    const factor = tf.minimum(tf.div(maxNorm, tf.add(tf.sqrt(normSquared), 1e-6)), 1);
    return Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, factor)] as const));
  });
  return { grads: clipped, normSquared };
};
