import * as tf from '@tensorflow/tfjs-core';
import type { Operation } from '@approx-darts/search-space';
import { differsFromSame, paramPaths, windowPads } from '@approx-darts/network-plan';
import { batchNorm } from './batch-norm';
import type { Block, BuildContext } from './block';
import { conv2d, depthwiseConv2d, type ConvOptions } from './conv';
import { inputRange } from './input-range';
import { mixedConv, type ApproxChoice } from './multiplier-mix';
import { param, uniformFanIn } from './params';

// Every block below follows docs/DARTS.md (DARTS operations) in NHWC, padded as the context's `padding` says: TF
// 'same' by default; where 'symmetric' differs from it (stride-2 windows on even inputs) the input is padded with
// 0.0 explicitly and the window runs 'valid', so every engine's 'same'/'valid' kernels serve both choices.

// Every op of a DARTS edge but the pools and skip starts with ReLU of the edge's input, and a cell's output is
// preprocessed (ReLU first) by the next two cells: one ReLU per input tensor serves them all, so its kernel, its
// gradient kernel and the tape's saved copy run once instead of up to four times. A ReLU is reused only under the
// gradient tape it was recorded on (engine internals: the active tape and the nesting depth), so every gradient still
// reaches the input.
interface TapeState {
  readonly state: { readonly activeTape: unknown; readonly gradientDepth: number };
}
const relus = new WeakMap<tf.Tensor, { readonly r: tf.Tensor4D; readonly tape: unknown; readonly depth: number }>();

const relu = (x: tf.Tensor4D): tf.Tensor4D => {
  const { activeTape, gradientDepth } = (tf.engine() as unknown as TapeState).state;
  const seen = relus.get(x);
  if (seen !== undefined && !seen.r.isDisposed && seen.tape === activeTape && seen.depth === gradientDepth) return seen.r;
  const r = tf.relu(x);
  relus.set(x, { r, tape: activeTape, depth: gradientDepth });
  return r;
};

/** Exact k x k convolution weights [k,k,cin,cout], PyTorch default init. */
const convWeight = (ctx: BuildContext, name: string, k: number, cin: number, cout: number): tf.Variable =>
  param(ctx.store, name, [k, k, cin, cout], uniformFanIn(k * k * cin));

/** Depthwise weights [k,k,c,1]; a depthwise conv has fan-in k*k (one input channel per group). */
const depthwiseWeight = (ctx: BuildContext, name: string, k: number, c: number): tf.Variable =>
  param(ctx.store, name, [k, k, c, 1], uniformFanIn(k * k));

const withRange = (o: ConvOptions, range: tf.Tensor1D | undefined): ConvOptions => (range === undefined ? o : { ...o, inputRange: range });

/**
 * The input a k x k window at `stride`/`dilation` reads and the kernel padding that goes with it: `x` and 'same', or
 * `x` padded with 0.0 as the context's padding places the zeros and 'valid'. Padding in float space before the
 * approximate convolution quantizes is what libs/quantization/SPEC.md specifies for the kernel's own padding too.
 */
const windowInput = (ctx: BuildContext, x: tf.Tensor4D, k: number, stride: number, dilation: number): { readonly x: tf.Tensor4D; readonly pad: 'same' | 'valid' } => {
  const padding = ctx.padding ?? 'same';
  const size = [x.shape[1], x.shape[2]] as const;
  if (!differsFromSame(padding, size, k, stride, dilation)) return { x, pad: 'same' };
  const [top, left, bottom, right] = windowPads(padding, size, k, stride, dilation);
  return { x: tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]), pad: 'valid' };
};

/**
 * ReLU, k x k conv, BN: the preprocessing of cell inputs (k = 1, exact, no `op`) and the plain `conv` op, which
 * runs on its binding and, like the sep/dil convs, records its input range where the context asks for it.
 */
export const reluConvBn = (
  ctx: BuildContext,
  name: string,
  cin: number,
  cout: number,
  k: number,
  stride: number,
  op?: { readonly approx: ApproxChoice },
): Block => {
  const w = convWeight(ctx, `${name}.conv`, k, cin, cout);
  const bn = batchNorm(ctx.store, `${name}.bn`, cout, { affine: ctx.affine });
  const range = op !== undefined && ctx.recordRanges ? inputRange(ctx.store, `${name}.conv`) : undefined;
  const approx = op?.approx ?? null;
  return (x, mode) => {
    const r = relu(x);
    const observed = range?.observe(r, mode);
    const input = windowInput(ctx, r, k, stride, 1);
    return bn(mixedConv((a) => conv2d(input.x, w as tf.Tensor4D, withRange({ strides: stride, dilation: 1, pad: input.pad, approx: a }, observed)), approx), mode);
  };
};

/**
 * ReLU, depthwise k x k (stride, dilation), pointwise 1x1, BN: DARTS's dil_conv, and each half of sep_conv.
 * Both convolutions run on the approximate multiplier when one is bound.
 */
export const dilConv = (
  ctx: BuildContext,
  name: string,
  cin: number,
  cout: number,
  k: number,
  stride: number,
  dilation: number,
  approx: ApproxChoice,
): Block => {
  const dw = depthwiseWeight(ctx, `${name}.depthwise`, k, cin);
  const pw = convWeight(ctx, `${name}.pointwise`, 1, cin, cout);
  const bn = batchNorm(ctx.store, `${name}.bn`, cout, { affine: ctx.affine });
  const dwRange = ctx.recordRanges ? inputRange(ctx.store, `${name}.depthwise`) : undefined;
  const pwRange = ctx.recordRanges ? inputRange(ctx.store, `${name}.pointwise`) : undefined;
  return (x, mode) => {
    const r = relu(x);
    const dwObserved = dwRange?.observe(r, mode);
    const input = windowInput(ctx, r, k, stride, dilation);
    const d = mixedConv((a) => depthwiseConv2d(input.x, dw as tf.Tensor4D, withRange({ strides: stride, dilation, pad: input.pad, approx: a }, dwObserved)), approx);
    const pwObserved = pwRange?.observe(d, mode);
    return bn(mixedConv((a) => conv2d(d, pw as tf.Tensor4D, withRange({ strides: 1, dilation: 1, pad: 'same', approx: a }, pwObserved)), approx), mode);
  };
};

/** sep_conv_k: two dil_conv halves with dilation 1, the first strided and keeping cin channels. */
export const sepConv = (ctx: BuildContext, name: string, cin: number, cout: number, k: number, stride: number, approx: ApproxChoice): Block => {
  const first = dilConv(ctx, paramPaths.sepStack(name, 0), cin, cin, k, stride, 1, approx);
  const second = dilConv(ctx, paramPaths.sepStack(name, 1), cin, cout, k, 1, 1, approx);
  return (x, mode) => second(first(x, mode), mode);
};

/**
 * ReLU, two 1x1 stride-2 convs (the second on the input shifted by one pixel) concatenated, BN: halves the
 * resolution without discarding the odd pixels. Exact arithmetic (docs/DARTS.md).
 */
export const factorizedReduce = (ctx: BuildContext, name: string, cin: number, cout: number): Block => {
  if (cout % 2 !== 0) throw new Error(`FactorizedReduce needs an even channel count, got ${cout}`);
  const w1 = convWeight(ctx, `${name}.conv_1`, 1, cin, cout / 2);
  const w2 = convWeight(ctx, `${name}.conv_2`, 1, cin, cout / 2);
  const bn = batchNorm(ctx.store, `${name}.bn`, cout, { affine: ctx.affine });
  return (x, mode) => {
    const r = relu(x);
    // The shifted input is padded back to full size (with the zeros ReLU outputs anyway), so both halves have
    // ceil(h/2) rows for odd sizes too; for even sizes the padding is never sampled.
    const shifted = tf.pad(tf.slice(r, [0, 1, 1, 0], [-1, -1, -1, -1]), [[0, 0], [0, 1], [0, 1], [0, 0]]);
    const a = conv2d(r, w1 as tf.Tensor4D, { strides: 2, dilation: 1, pad: 'same' });
    const b = conv2d(shifted, w2 as tf.Tensor4D, { strides: 2, dilation: 1, pad: 'same' });
    const cat = tf.concat([a, b], 3);
    return bn(cat, mode);
  };
};

/**
 * tf.avgPool's kernel without the float32 -> float32 Cast tf.avgPool appends (a kernel forward, its gradient's clone
 * backward): the AvgPool kernel and its registered gradient, nothing else.
 */
const avgPool = (x: tf.Tensor4D, k: number, stride: number, pad: 'same' | number): tf.Tensor4D =>
  tf.engine().runKernel('AvgPool', { x } as unknown as tf.NamedTensorMap, { filterSize: k, strides: stride, pad, dimRoundingMode: undefined } as unknown as tf.NamedAttrMap) as tf.Tensor4D;

/**
 * k x k max or average pooling (the average excludes padding), followed by BN in the search network. Symmetric
 * padding is the pools' own explicit count, (k - 1) / 2 on each side: a max ignores it and an average excludes it.
 */
export const pool = (ctx: BuildContext, name: string, channels: number, kind: 'max' | 'avg', k: number, stride: number): Block => {
  const bn = ctx.poolBn ? batchNorm(ctx.store, `${name}.bn`, channels, { affine: false }) : undefined;
  return (x, mode) => {
    const pad = differsFromSame(ctx.padding ?? 'same', [x.shape[1], x.shape[2]], k, stride, 1) ? (k - 1) / 2 : 'same';
    const y = kind === 'max' ? tf.maxPool(x, k, stride, pad) : avgPool(x, k, stride, pad);
    return bn ? bn(y, mode) : y;
  };
};

export const identity: Block = (x) => x;

/** The `none` operation: zeros at the output resolution. */
export const zero =
  (stride: number): Block =>
  (x) =>
    tf.zeros([x.shape[0], Math.ceil(x.shape[1] / stride), Math.ceil(x.shape[2] / stride), x.shape[3]]);

/**
 * The block of a search-space operation on C channels at a stride, with the op's approximate binding: every op
 * kind of `libs/search-space/src/operation.ts`, as `libs/network-plan/src/darts-blocks.ts` plans it.
 * @example buildOperation(ctx, 'cells.0.edges.0.sep_conv_3x3', { kind: 'sep_conv', name: 'sep_conv_3x3', kernel: 3 }, 16, 1)
 */
export const buildOperation = (ctx: BuildContext, name: string, op: Operation, channels: number, stride: number): Block => {
  switch (op.kind) {
    case 'none':
      return zero(stride);
    case 'pool':
      return pool(ctx, name, channels, op.pool, op.kernel, stride);
    case 'skip':
      return stride === 1 ? identity : factorizedReduce(ctx, name, channels, channels);
    case 'sep_conv':
      return sepConv(ctx, name, channels, channels, op.kernel, stride, ctx.bindingOf(op));
    case 'dil_conv':
      return dilConv(ctx, name, channels, channels, op.kernel, stride, op.dilation, ctx.bindingOf(op));
    case 'conv':
      return reluConvBn(ctx, name, channels, channels, op.kernel, stride, { approx: ctx.bindingOf(op) });
  }
};
