import * as t from 'io-ts';

// The two custom kernels, declared once (docs/ARCHITECTURE.md): every engine implements these names with these inputs and attrs.
export const ApproxConv2D = 'ApproxConv2D';
export const ApproxDepthwiseConv2D = 'ApproxDepthwiseConv2D';
export type ApproxKernelName = typeof ApproxConv2D | typeof ApproxDepthwiseConv2D;
export const approxKernelNames: readonly ApproxKernelName[] = [ApproxConv2D, ApproxDepthwiseConv2D];

/**
 * Inputs: `x` NHWC float32, `filter` (HWIO, or `[fh, fw, inC, mult]`), `range` float32: `[min, max]` (a recorded
 * activation range) or empty `[]` (the batch's own). Always present, because tfjs saves gradient inputs by name.
 */
export type ApproxConvInputName = 'x' | 'filter' | 'range';

/**
 * Outputs, in order: `y`, the approximate convolution; `xq`, the input fake-quantized (each element decoded from its
 * code) and padded to the geometry's explicit padding with the fake-quantized 0.0; `wq`, the filter fake-quantized
 * (per tensor or per output channel). The last two are the operands of the straight-through gradient
 * (approx-conv-grad.ts), saved from the forward pass so the backward pass does not quantize again.
 */
export const approxConvOutputs = ['y', 'xq', 'wq'] as const;

/** Attributes are plain data (kernel attrs cannot hold a table): the table travels by id through the registry. */
export const ApproxConvAttrs = t.readonly(
  t.type({
    strides: t.readonly(t.tuple([t.number, t.number])),
    dilations: t.readonly(t.tuple([t.number, t.number])),
    pad: t.union([t.literal('same'), t.literal('valid')]),
    tableId: t.string,
    quantization: t.keyof({ asymmetric: null, symmetric: null }),
    perChannel: t.boolean,
  }),
  'ApproxConvAttrs',
);
export type ApproxConvAttrs = t.TypeOf<typeof ApproxConvAttrs>;
