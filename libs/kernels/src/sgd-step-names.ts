import * as t from 'io-ts';

// One SGD update of every variable of an optimizer as one kernel, declared once like the approximate convolutions
// (kernel-names.ts). It replaces six element-wise kernels per variable (optim/sgd.ts before this kernel existed).
export const SgdStep = 'SgdStep';

/**
 * Inputs, an array: the `count` variables, then their gradients (same shapes), then, with momentum, their momentum
 * buffers. Outputs: the updated variables, then (with momentum) the updated buffers. PyTorch's SGD (dampening 0), each
 * operation rounded to float32 as the op-by-op composition rounded it, with float32 constants:
 * d = g + wd * w; buf = m * buf + d; d = nesterov ? d + m * buf : buf; w = w - lr * d.
 */
export const SgdStepAttrs = t.readonly(
  t.type({ count: t.number, lr: t.number, momentum: t.number, weightDecay: t.number, nesterov: t.boolean }),
  'SgdStepAttrs',
);
export type SgdStepAttrs = t.TypeOf<typeof SgdStepAttrs>;
