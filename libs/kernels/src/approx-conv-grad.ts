import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';
import { geometryFor, type ConvKind } from '@approx-darts/approx-conv';
import { validConvVjp } from './ops/exact-conv';
import { ApproxConv2D, ApproxDepthwiseConv2D, type ApproxConvAttrs } from './kernel-names';

/**
 * Straight-through estimator (libs/quantization/SPEC.md): the gradient of the exact convolution evaluated at the fake-quantized
 * operands, i.e. of the float function the forward pass computes with the exact table (padding reads the
 * fake-quantized 0.0, since libs/quantization/SPEC.md pads before quantizing). The forward kernel returned those operands, padded input
 * and filter (kernel-names.ts), so this is the exact convolution's vector-Jacobian product and a slice. The quantizers
 * pass gradients through unchanged; a recorded range gets none.
 */
const steGradient =
  (kind: ConvKind): GradConfig['gradFunc'] =>
  (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: NamedAttrMap) => {
    const [x, range, xp, wq] = saved as [tf.Tensor4D, tf.Tensor, tf.Tensor4D, tf.Tensor4D];
    const a = attrs as unknown as ApproxConvAttrs;
    const g = geometryFor(kind, x.shape, wq.shape, { strides: a.strides, dilations: a.dilations, pad: a.pad });
    const dyY = (Array.isArray(dy) ? dy[0] : dy) as tf.Tensor4D;
    const [dx, dw] = tf.tidy(() => {
      const [dxp, dwq] = validConvVjp(kind, xp, wq, dyY, g);
      return [g.padTop === 0 && g.padLeft === 0 && tf.util.arraysEqual(dxp.shape, x.shape) ? dxp : tf.slice(dxp, [0, g.padTop, g.padLeft, 0], x.shape), dwq];
    });
    return { x: () => dx, filter: () => dw, range: () => tf.zerosLike(range) };
  };

// x is saved for its shape only (a saved tensor is a reference, not a copy).
const saving = { inputsToSave: ['x', 'range'], outputsToSave: [false, true, true] };
export const approxConv2DGradConfig: GradConfig = { kernelName: ApproxConv2D, ...saving, gradFunc: steGradient('conv2d') };
export const approxDepthwiseConv2DGradConfig: GradConfig = { kernelName: ApproxDepthwiseConv2D, ...saving, gradFunc: steGradient('depthwise') };
