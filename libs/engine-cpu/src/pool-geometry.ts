import type * as tf from '@tensorflow/tfjs-core';

// Shared index ranges for 2-d pooling gradients (dilation 1, NHWC): which input rows a window covers and which
// windows cover an input row.

/** Input range [lo, hi) covered by output row `y` (clipped to the input). */
export const windowRange = (y: number, stride: number, pad: number, filter: number, inSize: number): readonly [number, number] => {
  const corner = y * stride - pad;
  return [Math.max(0, corner), Math.min(inSize, corner + filter)];
};

/** Output range [lo, hi) of windows that cover input row `x`. */
export const coveringRange = (x: number, stride: number, pad: number, filter: number, outSize: number): readonly [number, number] => {
  const lo = Math.max(0, Math.ceil((x + pad - filter + 1) / stride));
  const hi = Math.min(outSize, Math.floor((x + pad) / stride) + 1);
  return [lo, hi];
};

/** Whether a pool info is the plain case these kernels handle (NHWC, no dilation). */
export const isPlainPool = (info: tf.backend_util.Conv2DInfo): boolean =>
  info.dataFormat === 'channelsLast' && info.dilationHeight === 1 && info.dilationWidth === 1;
