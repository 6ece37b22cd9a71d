import * as tf from '@tensorflow/tfjs-core';
import { geometryFor, paddingAfter, type ConvGeometry, type ConvKind } from '@approx-darts/approx-conv';
import { dilatesDirectly } from '../direct-dilation';

// tfjs-core's conv gradients refuse dilation > 1 (and its convs refuse stride > 1 with dilation > 1, which DARTS's
// reduction cells need). Where the engine's depthwise kernels dilate directly (../direct-dilation.ts), a dilated
// depthwise convolution is one kernel each way; otherwise it is composed from ops that have gradients:
//   stride a multiple of the dilation: only every d-th input is read, so subsample the input and convolve densely;
//   otherwise: spaceToBatchND -> dense VALID conv -> batchToSpaceND (the atrous trick), then keep every s-th output.
// `exactConvVjp` is the hand-written adjoint of the same composition: a registered gradient function cannot call
// tf.grads (a nested tape would discard the outer one), so the STE gradient uses it directly.

/** Stride, dilation and padding of a square convolution (the DARTS cells only use square ones). */
export interface ConvSpec {
  readonly strides: number;
  readonly dilation: number;
  readonly pad: 'same' | 'valid';
}

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

const native = (kind: ConvKind, x: tf.Tensor4D, w: tf.Tensor4D, strides: number, pad: 'same' | 'valid'): tf.Tensor4D =>
  kind === 'conv2d' ? tf.conv2d(x, w, strides, pad) : tf.depthwiseConv2d(x, w, strides, pad);

// Both stay at rank 4 (tfjs-backend-webgpu's Pad shader handles rank <= 4): row r = i * step + j of an
// `[n, hs * step, ws * step, c]` tensor is row (n * hs + i, j) of its `[n * hs, step, ws, step * c]` view, whose
// last axis holds the `step` columns of one block side by side.

/** Every `step`-th row and column from 0, via pad/reshape/slice (StridedSlice has no gradient in tfjs-core). */
const subsample = (t: tf.Tensor4D, step: number): tf.Tensor4D => {
  if (step === 1) return t;
  const [n, h, w, c] = t.shape;
  const [hs, ws] = [Math.ceil(h / step), Math.ceil(w / step)];
  const padded = tf.pad(t, [[0, 0], [0, hs * step - h], [0, ws * step - w], [0, 0]]);
  return tf.reshape(tf.slice(tf.reshape(padded, [n * hs, step, ws, step * c]), 0, [n * hs, 1, ws, c]), [n, hs, ws, c]);
};

/** Adjoint of subsample: values back at every `step`-th position of an `h x w` grid, zeros between. */
const upsample = (t: tf.Tensor4D, step: number, h: number, w: number): tf.Tensor4D => {
  if (step === 1) return t;
  const [n, hs, ws, c] = t.shape;
  const spread = tf.pad(tf.reshape(t, [n * hs, 1, ws, c]), [[0, 0], [0, step - 1], [0, 0], [0, (step - 1) * c]]);
  return tf.slice(tf.reshape(spread, [n, hs * step, ws * step, c]) as tf.Tensor4D, 0, [n, h, w, c]);
};

type DepthwiseAttrs = { strides: [number, number]; dilations: [number, number]; pad: 'same' | 'valid'; dimRoundingMode: undefined };

const depthwiseAttrs = (strides: number, dilation: number, pad: 'same' | 'valid'): tf.NamedAttrMap =>
  ({ strides: [strides, strides], dilations: [dilation, dilation], pad, dimRoundingMode: undefined } satisfies DepthwiseAttrs) as unknown as tf.NamedAttrMap;

/** Both backprops of a depthwise convolution, any stride and dilation (engines that dilate directly only). */
const depthwiseVjp = (x: tf.Tensor4D, w: tf.Tensor4D, dy: tf.Tensor4D, attrs: tf.NamedAttrMap): [tf.Tensor4D, tf.Tensor4D] => {
  const e = tf.engine();
  return [
    e.runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape }) as tf.Tensor4D,
    e.runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape }) as tf.Tensor4D,
  ];
};

/** A dilated depthwise convolution as one kernel, with both backprops as its gradient. */
const directDepthwise = (x: tf.Tensor4D, w: tf.Tensor4D, spec: ConvSpec): tf.Tensor4D => {
  const attrs = depthwiseAttrs(spec.strides, spec.dilation, spec.pad);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, ws, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([xs, ws]);
    const value = tf.engine().runKernel('DepthwiseConv2dNative', { x: xs, filter: ws }, attrs) as tf.Tensor4D;
    return { value, gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => depthwiseVjp(saved[0] as tf.Tensor4D, saved[1] as tf.Tensor4D, dy, attrs) };
  });
  return f(x, w) as tf.Tensor4D;
};

/** Explicit padding of a geometry, as tf.pad wants it. */
export const paddingOf = (g: ConvGeometry): Pad4 => {
  const after = paddingAfter(g);
  return [[0, 0], [g.padTop, after.bottom], [g.padLeft, after.right], [0, 0]];
};

const blockPadding = (t: tf.Tensor4D, d: number): [[number, number], [number, number]] => [
  [0, (d - (t.shape[1] % d)) % d],
  [0, (d - (t.shape[2] % d)) % d],
];

/** Pad a tensor up to `shape` with zeros after (adjoint of slicing from 0). */
const padTo = (t: tf.Tensor4D, shape: readonly number[]): tf.Tensor4D =>
  tf.pad(t, t.shape.map((s, i) => [0, (shape[i] as number) - s] as [number, number]) as Pad4);

/** Dilated VALID convolution of an already padded input, stride and dilation > 1 allowed. */
const dilatedValid = (kind: ConvKind, xp: tf.Tensor4D, w: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D => {
  const [s, d] = [g.strideHeight, g.dilationHeight];
  const full =
    s % d === 0
      ? native(kind, subsample(xp, d), w, s / d, 'valid')
      : subsample(tf.batchToSpaceND(native(kind, tf.spaceToBatchND(xp, [d, d], blockPadding(xp, d)) as tf.Tensor4D, w, 1, 'valid'), [d, d], blockPadding(xp, d)), s);
  return tf.slice(full, 0, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
};

/**
 * Exact float convolution with any stride and dilation, differentiable everywhere. Used for fp32 mode and, through
 * its adjoint, for the straight-through gradient of the approximate kernels.
 */
export const exactConv = (kind: ConvKind, x: tf.Tensor4D, w: tf.Tensor4D, spec: ConvSpec): tf.Tensor4D =>
  tf.tidy(() => {
    if (spec.dilation === 1) return native(kind, x, w, spec.strides, spec.pad);
    if (kind === 'depthwise' && dilatesDirectly()) return directDepthwise(x, w, spec);
    const g = geometryFor(kind, x.shape, w.shape, { strides: spec.strides, dilations: spec.dilation, pad: spec.pad });
    return dilatedValid(kind, tf.pad(x, paddingOf(g)), w, g);
  });

/** Gradients of a dense (dilation 1) VALID convolution, from tfjs's own backprop kernels. */
const denseVjp = (kind: ConvKind, x: tf.Tensor4D, w: tf.Tensor4D, dy: tf.Tensor4D, strides: number): [tf.Tensor4D, tf.Tensor4D] => {
  const e = tf.engine();
  const common = { strides, pad: 'valid', dimRoundingMode: undefined } as unknown as tf.NamedAttrMap;
  if (kind === 'conv2d')
    return [
      e.runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...common, dataFormat: 'NHWC', inputShape: x.shape }) as tf.Tensor4D,
      e.runKernel('Conv2DBackpropFilter', { x, dy }, { ...common, dataFormat: 'NHWC', filterShape: w.shape }) as tf.Tensor4D,
    ];
  return depthwiseVjp(x, w, dy, depthwiseAttrs(strides, 1, 'valid'));
};

/**
 * Vector-Jacobian product of a VALID convolution of the padded input `xp`: `[d xp, d w]` for output gradient `dy`,
 * the adjoint of exactConv's composition step by step (slice <-> pad, subsample <-> upsample, the two block moves
 * adjoint to each other).
 */
export const validConvVjp = (kind: ConvKind, xp: tf.Tensor4D, w: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry): [tf.Tensor4D, tf.Tensor4D] =>
  tf.tidy((): [tf.Tensor4D, tf.Tensor4D] => {
    const [s, d] = [g.strideHeight, g.dilationHeight];
    const [, hp, wp] = xp.shape;
    if (d === 1) return denseVjp(kind, xp, w, dy, s);
    if (kind === 'depthwise' && dilatesDirectly()) return depthwiseVjp(xp, w, dy, depthwiseAttrs(s, d, 'valid'));
    if (s % d === 0) {
      const xs = subsample(xp, d);
      const fullShape = [g.batch, Math.floor((xs.shape[1] - g.filterHeight) / (s / d)) + 1, Math.floor((xs.shape[2] - g.filterWidth) / (s / d)) + 1, g.outChannels];
      const [dxs, dw] = denseVjp(kind, xs, w, padTo(dy, fullShape), s / d);
      return [upsample(dxs, d, hp, wp), dw];
    }
    const pads = blockPadding(xp, d);
    const blocks = tf.spaceToBatchND(xp, [d, d], pads) as tf.Tensor4D;
    const denseShape = [blocks.shape[0], blocks.shape[1] - g.filterHeight + 1, blocks.shape[2] - g.filterWidth + 1, g.outChannels];
    const [h1, w1] = [hp - (g.filterHeight - 1) * d, wp - (g.filterWidth - 1) * d];
    const dy1 = upsample(padTo(dy, [g.batch, Math.ceil(h1 / s), Math.ceil(w1 / s), g.outChannels]), s, h1, w1);
    const dyBlocks = tf.spaceToBatchND(dy1, [d, d], pads) as tf.Tensor4D;
    const [dBlocks, dw] = denseVjp(kind, blocks, w, padTo(dyBlocks, denseShape), 1);
    return [tf.batchToSpaceND(dBlocks, [d, d], pads) as tf.Tensor4D, dw];
  });
