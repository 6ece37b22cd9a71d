import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '@approx-darts/schedule';
import type { Optimizer } from './optimizer';
import { createSlots, restoreSlots, snapshotSlots } from './slots';
import { SgdStep, type SgdStepAttrs } from '@approx-darts/kernels';
import { registerApproxKernels } from '@approx-darts/kernels';

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
      const present = variables.filter((v) => grads[v.name] !== undefined);
      if (present.length === 0) return;
      // One SgdStep kernel for every variable (kernels/sgd-step-names.ts), bit for bit the op-by-op update.
      registerApproxKernels();
      const attrs: SgdStepAttrs = { count: present.length, lr, momentum, weightDecay, nesterov };
      const inputs = [...present, ...present.map((v) => grads[v.name] as tf.Tensor), ...(buffers === undefined ? [] : present.map((v) => buffers.get(v.name)))];
      tf.tidy(() => {
        const out = tf.engine().runKernel(SgdStep, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        present.forEach((v, i) => {
          v.assign(out[i] as tf.Tensor);
          if (buffers !== undefined) buffers.get(v.name).assign(out[present.length + i] as tf.Tensor);
        });
      });
    },
    state: () => (buffers !== undefined ? snapshotSlots(buffers) : {}),
    momentum: (v) => buffers?.get(v.name),
    restore: async (state) => {
      if (buffers !== undefined) restoreSlots(buffers, state);
    },
    dispose: () => {
      for (const [, s] of buffers?.entries() ?? []) s.dispose();
    },
  };
};
