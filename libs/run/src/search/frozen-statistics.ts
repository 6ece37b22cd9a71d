import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from '@approx-darts/networks';

/**
 * Runs `f` and puts the store's state parameters (BN running statistics) back as they were before it: a train-mode
 * forward that must not count as one, like the unrolled step's forward at w' (bilevel-step.ts), which DARTS runs on a
 * copy of the model. The saved values are clones, which share storage, so nothing is copied.
 */
export const withRunningStatsFrozen = <A>(store: ParamStore, f: () => A): A => {
  const stats = [...store.entries.values()].filter((e) => e.role === 'state').map((e) => e.variable);
  const saved = stats.map((v) => tf.clone(v));
  try {
    return f();
  } finally {
    tf.tidy(() => stats.forEach((v, i) => v.assign(saved[i] as tf.Tensor)));
    tf.dispose(saved);
  }
};
