import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '@approx-darts/schedule';
import type { Optimizer } from './optimizer';
import { createSlots, restoreSlots, snapshotSlots } from './slots';

type AdamConfig = Extract<OptimizerConfig, { kind: 'adam' }>;

/** The name of the step counter in `state()`. */
export const ADAM_STEP = 'adam/step';

/**
 * Adam with PyTorch semantics and coupled L2 weight decay (DARTS's architecture optimizer):
 * g = g + wd*w; m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2;
 * w -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps), with t counting steps from 1.
 */
export const createAdam = (config: AdamConfig, variables: readonly tf.Variable[]): Optimizer => {
  const { beta1, beta2, weightDecay } = config;
  const epsilon = config.epsilon ?? 1e-8;
  const first = createSlots('adam.m', variables);
  const second = createSlots('adam.v', variables);
  let t = 0;
  return {
    step: (grads, lr) => {
      t += 1;
      const stepSize = lr / (1 - beta1 ** t);
      const sqrtBias2 = Math.sqrt(1 - beta2 ** t);
      tf.tidy(() => {
        for (const w of variables) {
          const g0 = grads[w.name];
          if (g0 === undefined) continue;
          const g = weightDecay !== 0 ? tf.add(g0, tf.mul(w, weightDecay)) : g0;
          const m = first.get(w.name);
          const v = second.get(w.name);
          m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
          v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
          const denom = tf.add(tf.div(tf.sqrt(v), sqrtBias2), epsilon);
          w.assign(tf.sub(w, tf.mul(tf.div(m, denom), stepSize)));
        }
      });
    },
    state: () => ({ ...snapshotSlots(first), ...snapshotSlots(second), [ADAM_STEP]: tf.scalar(t, 'int32') }),
    // Adam's first moment is not SGD's momentum: the unrolled step (search/bilevel-step.ts) restates SGD.
    momentum: () => undefined,
    restore: async (state) => {
      restoreSlots(first, state);
      restoreSlots(second, state);
      const step = state[ADAM_STEP];
      if (step === undefined) throw new Error(`optimizer state: missing '${ADAM_STEP}'`);
      t = (await step.data())[0] ?? 0;
    },
    dispose: () => {
      for (const [, s] of [...first.entries(), ...second.entries()]) s.dispose();
    },
  };
};
