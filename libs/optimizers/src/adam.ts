import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '@approx-darts/schedule';
import type { Optimizer } from './optimizer';
import { slotName, slotOf, zeroSlots } from './slots';

type AdamConfig = Extract<OptimizerConfig, { kind: 'adam' }>;

/** The name of the step counter in a saved state. */
export const ADAM_STEP = 'adam/step';

const FIRST = 'adam.m';
const SECOND = 'adam.v';

/**
 * Adam with PyTorch semantics and coupled L2 weight decay (DARTS's architecture optimizer):
 * g = g + wd*w; m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2;
 * the update is -(lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps), with t counting steps from 1.
 */
export const createAdam = (config: AdamConfig): Optimizer => {
  const { beta1, beta2, weightDecay } = config;
  const epsilon = config.epsilon ?? 1e-8;
  return {
    config,
    slots: [FIRST, SECOND],
    countKey: ADAM_STEP,
    init: (params) => ({ slots: { ...zeroSlots(FIRST, params), ...zeroSlots(SECOND, params) }, count: 0 }),
    update: (grads, state, params, lr) => {
      const t = state.count + 1;
      const stepSize = lr / (1 - beta1 ** t);
      const sqrtBias2 = Math.sqrt(1 - beta2 ** t);
      const slots: Record<string, tf.Tensor> = { ...state.slots };
      const updates = tf.tidy(() => {
        const out: Record<string, tf.Tensor> = {};
        for (const [name, w] of Object.entries(params)) {
          const g0 = grads[name];
          if (g0 === undefined) continue;
          const g = weightDecay !== 0 ? tf.add(g0, tf.mul(w, weightDecay)) : g0;
          const m = tf.keep(tf.add(tf.mul(slotOf(state.slots, FIRST, name), beta1), tf.mul(g, 1 - beta1)));
          const v = tf.keep(tf.add(tf.mul(slotOf(state.slots, SECOND, name), beta2), tf.mul(tf.square(g), 1 - beta2)));
          slots[slotName(FIRST, name)] = m;
          slots[slotName(SECOND, name)] = v;
          const denom = tf.add(tf.div(tf.sqrt(v), sqrtBias2), epsilon);
          // w + x * (-s) rounds exactly as w - x * s.
          out[name] = tf.mul(tf.div(m, denom), -stepSize);
        }
        return out;
      });
      return { updates, state: { slots, count: t } };
    },
  };
};
