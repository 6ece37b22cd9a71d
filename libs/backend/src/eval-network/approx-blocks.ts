import * as tf from '@tensorflow/tfjs-core';
import type { Operation } from '@approx-darts/search-space';
import { batchNorm } from '../network/batch-norm';
import type { Block, BuildContext } from '../network/block';
import { conv2d, depthwiseConv2d, type ApproxBinding, type ConvOptions } from '../ops/conv';
import { buildOperation } from '../network/operations';
import { param, uniformFanIn } from '../network/params';
import { inputRange } from './input-range';

// The evaluation network's sep/dil convs are the search network's blocks (same structure, parameter names and
// init) plus a recorded input range per approximate convolution, which inference quantizes with (DESIGN §3).

const withRange = (o: ConvOptions, range: tf.Tensor1D | undefined): ConvOptions => (range === undefined ? o : { ...o, inputRange: range });

/** ReLU, depthwise k x k (stride, dilation), pointwise 1x1, BN; both convs approximate when bound, ranges recorded. */
export const rangedDilConv = (
  ctx: BuildContext,
  name: string,
  channels: number,
  k: number,
  stride: number,
  dilation: number,
  approx: ApproxBinding | null,
): Block => {
  const dw = param(ctx.store, `${name}.depthwise`, [k, k, channels, 1], uniformFanIn(k * k));
  const pw = param(ctx.store, `${name}.pointwise`, [1, 1, channels, channels], uniformFanIn(channels));
  const bn = batchNorm(ctx.store, `${name}.bn`, channels, { affine: ctx.affine });
  const dwRange = inputRange(ctx.store, `${name}.depthwise`);
  const pwRange = inputRange(ctx.store, `${name}.pointwise`);
  return (x, mode) => {
    const r = tf.relu(x);
    const dwOpts = withRange({ strides: stride, dilation, pad: 'same', approx }, dwRange.observe(r, mode));
    const d = depthwiseConv2d(r, dw as tf.Tensor4D, dwOpts);
    const pwOpts = withRange({ strides: 1, dilation: 1, pad: 'same', approx }, pwRange.observe(d, mode));
    return bn(conv2d(d, pw as tf.Tensor4D, pwOpts), mode);
  };
};

/** sep_conv_k: two ranged dil_conv halves with dilation 1, the first strided. */
export const rangedSepConv = (ctx: BuildContext, name: string, channels: number, k: number, stride: number, approx: ApproxBinding | null): Block => {
  const first = rangedDilConv(ctx, `${name}.op1`, channels, k, stride, 1, approx);
  const second = rangedDilConv(ctx, `${name}.op2`, channels, k, 1, 1, approx);
  return (x, mode) => second(first(x, mode), mode);
};

/** The block of a genotype op: approximable ops get recorded ranges, the rest are the shared network blocks. */
export const evalOperation = (ctx: BuildContext, name: string, op: Operation, channels: number, stride: number): Block => {
  switch (op.kind) {
    case 'sep_conv':
      return rangedSepConv(ctx, name, channels, op.kernel, stride, ctx.bindingOf(op));
    case 'dil_conv':
      return rangedDilConv(ctx, name, channels, op.kernel, stride, op.dilation, ctx.bindingOf(op));
    default:
      return buildOperation(ctx, name, op, channels, stride);
  }
};
