import * as tf from '@tensorflow/tfjs-core';
import type { ConvKind } from '@approx-darts/approx-conv';
import type { QuantMode } from '@approx-darts/quantization';

/** The affine map of a range as tensors, DESIGN §3 (degenerate ranges use scale 1, as in @approx-darts/quantization). */
interface AffineTensors {
  readonly scale: tf.Tensor;
  readonly min: tf.Tensor;
}

const affine = (min: tf.Tensor, max: tf.Tensor, mode: QuantMode): AffineTensors => {
  const [lo, hi] = mode === 'symmetric' ? ((a: tf.Tensor) => [tf.neg(a), a])(tf.maximum(tf.abs(min), tf.abs(max))) : [min, max];
  const raw = tf.div(tf.sub(hi as tf.Tensor, lo as tf.Tensor), 255);
  return { scale: tf.where(tf.greater(raw, 0), raw, tf.onesLike(raw)), min: lo as tf.Tensor };
};

/** `scale * clamp(round_half_up((x - min) / scale), 0, 255) + min`, the value the kernel's code stands for. */
const roundTrip = (x: tf.Tensor, p: AffineTensors): tf.Tensor =>
  tf.add(tf.mul(tf.clipByValue(tf.floor(tf.add(tf.div(tf.sub(x, p.min), p.scale), 0.5)), 0, 255), p.scale), p.min);

/** Affine map of an activation tensor, from a recorded `[min, max]` or from the tensor itself. */
export const activationAffine = (x: tf.Tensor, mode: QuantMode, range?: tf.Tensor): AffineTensors =>
  range === undefined ? affine(tf.min(x), tf.max(x), mode) : affine(tf.slice(range, [0], [1]), tf.slice(range, [1], [1]), mode);

/** Fake-quantized activations and the fake-quantized 0.0 that padded positions read. */
export const fakeQuantizeActivations = (x: tf.Tensor4D, mode: QuantMode, range?: tf.Tensor): { readonly xq: tf.Tensor4D; readonly pad: tf.Tensor } => {
  const p = activationAffine(x, mode, range);
  return { xq: roundTrip(x, p) as tf.Tensor4D, pad: roundTrip(tf.zeros([1]), p) };
};

/** Fake-quantized weights, per tensor or per output channel (conv2d: last axis; depthwise: the last two). */
export const fakeQuantizeWeights = (w: tf.Tensor4D, kind: ConvKind, mode: QuantMode, perChannel: boolean): tf.Tensor4D => {
  const axes = perChannel ? (kind === 'conv2d' ? [0, 1, 2] : [0, 1]) : [0, 1, 2, 3];
  return roundTrip(w, affine(tf.min(w, axes, true), tf.max(w, axes, true), mode)) as tf.Tensor4D;
};
