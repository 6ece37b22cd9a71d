import * as tf from '@tensorflow/tfjs-core';
import { ConvShapeError, geometryFor, type ConvKind } from '@approx-darts/approx-conv';
import type { MultiplierTable } from '@approx-darts/multipliers';
import { ApproxConv2D, ApproxDepthwiseConv2D, type ApproxConvAttrs } from '../kernel-names';
import { registerApproxKernels } from '../register';
import { registerTable } from '../table-registry';
import { exactConv } from './exact-conv';

/** An approximate binding: which table and how to quantize. Absent/null = exact float convolution. */
export interface ApproxBinding {
  readonly table: MultiplierTable;
  readonly quantization: 'asymmetric' | 'symmetric';
  readonly perChannelWeights: boolean;
}

export interface ConvOptions {
  readonly strides: number;
  readonly dilation: number;
  readonly pad: 'same' | 'valid';
  readonly approx?: ApproxBinding | null;
  /** `[min, max]` recorded activation range for inference; absent = from the batch. */
  readonly inputRange?: tf.Tensor1D;
}

const validate = (op: string, kind: ConvKind, x: tf.Tensor, filter: tf.Tensor, o: ConvOptions): void => {
  const fail = (why: string): never => {
    throw new ConvShapeError(`${op}: ${why}`);
  };
  if (x.rank !== 4) fail(`input must be rank 4 (NHWC), got shape [${x.shape.join(', ')}]`);
  if (filter.rank !== 4) fail(`filter must be rank 4 (${kind === 'conv2d' ? 'HWIO' : '[fh, fw, inC, mult]'}), got shape [${filter.shape.join(', ')}]`);
  if (x.dtype !== 'float32' || filter.dtype !== 'float32') fail(`input and filter must be float32, got ${x.dtype} and ${filter.dtype}`);
  if (o.inputRange !== undefined && (o.inputRange.rank !== 1 || o.inputRange.size !== 2))
    fail(`inputRange must be a 1-D tensor [min, max], got shape [${o.inputRange.shape.join(', ')}]`);
  try {
    geometryFor(kind, x.shape, filter.shape, { strides: o.strides, dilations: o.dilation, pad: o.pad });
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
};

const run = (op: string, kind: ConvKind, x: tf.Tensor4D, filter: tf.Tensor4D, o: ConvOptions): tf.Tensor4D => {
  validate(op, kind, x, filter, o);
  const approx = o.approx ?? null;
  if (approx === null) return exactConv(kind, x, filter, o);
  registerApproxKernels();
  const attrs: ApproxConvAttrs = {
    strides: [o.strides, o.strides],
    dilations: [o.dilation, o.dilation],
    pad: o.pad,
    tableId: registerTable(approx.table),
    quantization: approx.quantization,
    perChannel: approx.perChannelWeights,
  };
  return tf.tidy(() => {
    const range = o.inputRange ?? tf.tensor1d([], 'float32');
    const inputs = { x, filter, range } as unknown as tf.NamedTensorMap;
    // Outputs y and the straight-through gradient's saved operands (kernel-names.ts); only y leaves this tidy.
    const [y] = tf.engine().runKernel(kind === 'conv2d' ? ApproxConv2D : ApproxDepthwiseConv2D, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D[];
    return y as tf.Tensor4D;
  });
};

/**
 * 2-D convolution, NHWC x HWIO, any stride and dilation, differentiable. With `approx` it runs the approximate kernel
 * (8-bit quantization, table products, straight-through gradient); without, the exact float convolution.
 */
export const conv2d = (x: tf.Tensor4D, filter: tf.Tensor4D, o: ConvOptions): tf.Tensor4D => run('conv2d', 'conv2d', x, filter, o);

/** Depthwise convolution, filter `[fh, fw, inC, mult]`, any stride and dilation, differentiable; `approx` as for conv2d. */
export const depthwiseConv2d = (x: tf.Tensor4D, filter: tf.Tensor4D, o: ConvOptions): tf.Tensor4D =>
  run('depthwiseConv2d', 'depthwise', x, filter, o);
