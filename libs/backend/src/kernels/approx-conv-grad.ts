import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';
import { geometryFor, type ConvKind } from '@approx-darts/approx-conv';
import { paddingOf, validConvVjp } from '../ops/exact-conv';
import { fakeQuantizeActivations, fakeQuantizeWeights } from '../ops/fake-quantize';
import { ApproxConv2D, ApproxDepthwiseConv2D, type ApproxConvAttrs } from './kernel-names';

/**
 * Straight-through estimator (DESIGN §3): the gradient of the exact convolution evaluated at the fake-quantized
 * operands, i.e. of the float function the forward pass computes with the exact table (padding reads the
 * fake-quantized 0.0, since DESIGN §3 pads before quantizing). The quantizers pass gradients through unchanged; a
 * recorded range gets none.
 */
const steGradient =
  (kind: ConvKind): GradConfig['gradFunc'] =>
  (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: NamedAttrMap) => {
    const [x, w, range] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor];
    const a = attrs as unknown as ApproxConvAttrs;
    const g = geometryFor(kind, x.shape, w.shape, { strides: a.strides, dilations: a.dilations, pad: a.pad });
    const [dx, dw] = tf.tidy(() => {
      const { xq, pad } = fakeQuantizeActivations(x, a.quantization, range.size === 2 ? range : undefined);
      const wq = fakeQuantizeWeights(w, kind, a.quantization, a.perChannel);
      const xp = tf.add(tf.pad(tf.sub(xq, pad), paddingOf(g)), pad) as tf.Tensor4D;
      const [dxp, dwq] = validConvVjp(kind, xp, wq, dy as tf.Tensor4D, g);
      return [tf.slice(dxp, [0, g.padTop, g.padLeft, 0], x.shape), dwq];
    });
    return { x: () => dx, filter: () => dw, range: () => tf.zerosLike(range) };
  };

export const approxConv2DGradConfig: GradConfig = { kernelName: ApproxConv2D, inputsToSave: ['x', 'filter', 'range'], gradFunc: steGradient('conv2d') };
export const approxDepthwiseConv2DGradConfig: GradConfig = {
  kernelName: ApproxDepthwiseConv2D,
  inputsToSave: ['x', 'filter', 'range'],
  gradFunc: steGradient('depthwise'),
};
