import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '@approx-darts/schedule';
import type { NamedTensors, Optimizer, OptimizerState } from './optimizer';
import { slotName, slotOf, zeroSlots } from './slots';
import { SgdStep, type SgdStepAttrs } from '@approx-darts/kernels';
import { registerApproxKernels } from '@approx-darts/kernels';

type SgdConfig = Extract<OptimizerConfig, { kind: 'sgd' }>;

const MOMENTUM = 'momentum';

/**
 * SGD with PyTorch semantics (dampening 0): d = g + wd*w; buf = m*buf + d (buf starts at 0, so the first step is
 * buf = d as in PyTorch); nesterov: d = d + m*buf, else d = buf; the update is -lr*d. `update` composes it op by op;
 * `step` runs one SgdStep kernel for every parameter (kernels/sgd-step-names.ts), bit for bit the same.
 */
export const createSgd = (config: SgdConfig): Optimizer => {
  const { momentum, weightDecay } = config;
  const nesterov = config.nesterov ?? false;
  const withMomentum = momentum !== 0;
  const present = (grads: NamedTensors, params: NamedTensors): string[] => Object.keys(params).filter((name) => grads[name] !== undefined);
  return {
    config,
    slots: withMomentum ? [MOMENTUM] : [],
    init: (params) => ({ slots: withMomentum ? zeroSlots(MOMENTUM, params) : {}, count: 0 }),
    update: (grads, state, params, lr) => {
      const names = present(grads, params);
      const slots: Record<string, tf.Tensor> = { ...state.slots };
      const updates = tf.tidy(() => {
        const out: Record<string, tf.Tensor> = {};
        for (const name of names) {
          const w = params[name] as tf.Tensor;
          const g = grads[name] as tf.Tensor;
          let d = weightDecay !== 0 ? tf.add(g, tf.mul(w, weightDecay)) : g;
          if (withMomentum) {
            const buf = tf.add(tf.mul(slotOf(state.slots, MOMENTUM, name), momentum), d);
            slots[slotName(MOMENTUM, name)] = tf.keep(buf);
            d = nesterov ? tf.add(d, tf.mul(buf, momentum)) : buf;
          }
          // w + d * (-lr) rounds exactly as w - d * lr: negating a factor negates the rounded product.
          out[name] = tf.mul(d, -lr);
        }
        return out;
      });
      return { updates, state: { slots, count: state.count + 1 } };
    },
    step: (grads, state, params, lr): OptimizerState => {
      const names = present(grads, params);
      if (names.length === 0) return { slots: state.slots, count: state.count + 1 };
      registerApproxKernels();
      const attrs: SgdStepAttrs = { count: names.length, lr, momentum, weightDecay, nesterov };
      const inputs = [
        ...names.map((n) => params[n] as tf.Tensor),
        ...names.map((n) => grads[n] as tf.Tensor),
        ...(withMomentum ? names.map((n) => slotOf(state.slots, MOMENTUM, n)) : []),
      ];
      const out = tf.engine().runKernel(SgdStep, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      const slots: Record<string, tf.Tensor> = { ...state.slots };
      names.forEach((n, i) => {
        const w = out[i] as tf.Tensor;
        (params[n] as tf.Variable).assign(w);
        w.dispose();
        if (withMomentum) slots[slotName(MOMENTUM, n)] = out[names.length + i] as tf.Tensor;
      });
      return { slots, count: state.count + 1 };
    },
  };
};
