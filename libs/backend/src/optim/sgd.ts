import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '@approx-darts/schedule';
import type { Optimizer } from './optimizer';
import { createSlots, restoreSlots, snapshotSlots } from './slots';

type SgdConfig = Extract<OptimizerConfig, { kind: 'sgd' }>;

/**
 * SGD with PyTorch semantics (dampening 0): d = g + wd*w; buf = m*buf + d (buf starts at 0, so the first step is
 * buf = d as in PyTorch); nesterov: d = d + m*buf, else d = buf; w -= lr*d.
 */
export const createSgd = (config: SgdConfig, variables: readonly tf.Variable[]): Optimizer => {
  const { momentum, weightDecay } = config;
  const nesterov = config.nesterov ?? false;
  const buffers = momentum !== 0 ? createSlots('momentum', variables) : undefined;
  return {
    step: (grads, lr) => {
      tf.tidy(() => {
        for (const v of variables) {
          const g = grads[v.name];
          if (g === undefined) continue;
          let d: tf.Tensor = weightDecay !== 0 ? tf.add(g, tf.mul(v, weightDecay)) : g;
          if (buffers !== undefined) {
            const buf = buffers.get(v.name);
            buf.assign(tf.add(tf.mul(buf, momentum), d));
            d = nesterov ? tf.add(d, tf.mul(buf, momentum)) : buf;
          }
          v.assign(tf.sub(v, tf.mul(d, lr)));
        }
      });
    },
    state: () => (buffers !== undefined ? snapshotSlots(buffers) : {}),
    restore: async (state) => {
      if (buffers !== undefined) restoreSlots(buffers, state);
    },
    dispose: () => {
      for (const [, s] of buffers?.entries() ?? []) s.dispose();
    },
  };
};
