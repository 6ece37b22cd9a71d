import * as tf from '@tensorflow/tfjs-core';
import type { ConvKind } from '@approx-darts/approx-conv';
import type { QuantMode } from '@approx-darts/quantization';
import { FakeQuantize8, type FakeQuantizeAttrs } from '../fake-quantize-names';
import { registerApproxKernels } from '../register';

/**
 * The fake quantization of SPEC.md (@approx-darts/quantization) with one `(min, max)` range per channel (`bounds`
 * `[channels, 2]`, channel = flat index % channels): the `FakeQuantize8` kernel, bit for bit the same on every engine.
 * Its gradient is straight through to `x`.
 */
export const fakeQuantize8 = <T extends tf.Tensor>(x: T, bounds: tf.Tensor2D, mode: QuantMode): T => {
  const channels = bounds.shape[0];
  if (bounds.shape[1] !== 2 || channels < 1 || x.size % channels !== 0)
    throw new Error(`fakeQuantize8: bounds must be [channels, 2] with channels dividing the input's ${x.size} elements, got [${bounds.shape.join(', ')}]`);
  if (x.dtype !== 'float32' || bounds.dtype !== 'float32') throw new Error(`fakeQuantize8: x and bounds must be float32, got ${x.dtype} and ${bounds.dtype}`);
  registerApproxKernels();
  const attrs: FakeQuantizeAttrs = { mode };
  return tf.engine().runKernel(FakeQuantize8, { x, bounds } as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as T;
};

/**
 * `[1, 2]` bounds of an activation: a recorded `[min, max]`, or the tensor's own (tf.min/tf.max are exact on every
 * engine). Unlike `rangeOf`, tf.min/tf.max propagate NaN, and a NaN range reads as `[0, 0]`: only a tensor holding
 * NaN is fake-quantized differently here than by the forward kernels.
 */
export const activationBounds = (x: tf.Tensor, range?: tf.Tensor): tf.Tensor2D =>
  tf.tidy(() => tf.reshape(range === undefined ? tf.stack([tf.min(x), tf.max(x)]) : range, [1, 2]) as tf.Tensor2D);

/** Fake-quantized activations and the fake-quantized 0.0 that padded positions read (padding is 0.0 before quantization). */
export const fakeQuantizeActivations = (x: tf.Tensor4D, mode: QuantMode, range?: tf.Tensor): { readonly xq: tf.Tensor4D; readonly pad: tf.Tensor } =>
  tf.tidy(() => {
    const bounds = activationBounds(x, range);
    return { xq: fakeQuantize8(x, bounds, mode), pad: fakeQuantize8(tf.zeros([1]), bounds, mode) };
  });

/** `[channels, 2]` bounds of a filter: one range per tensor, or per output channel (conv2d: last axis; depthwise: the last two). */
export const weightBounds = (w: tf.Tensor4D, kind: ConvKind, perChannel: boolean): tf.Tensor2D =>
  tf.tidy(() => {
    const axes = perChannel ? (kind === 'conv2d' ? [0, 1, 2] : [0, 1]) : [0, 1, 2, 3];
    const channels = perChannel ? (kind === 'conv2d' ? (w.shape[3] as number) : (w.shape[2] as number) * (w.shape[3] as number)) : 1;
    return tf.stack([tf.reshape(tf.min(w, axes), [channels]), tf.reshape(tf.max(w, axes), [channels])], 1) as tf.Tensor2D;
  });

/** Fake-quantized weights, per tensor or per output channel. */
export const fakeQuantizeWeights = (w: tf.Tensor4D, kind: ConvKind, mode: QuantMode, perChannel: boolean): tf.Tensor4D =>
  tf.tidy(() => fakeQuantize8(w, weightBounds(w, kind, perChannel), mode));
