import * as tf from '@tensorflow/tfjs-core';
import type { FastKernel } from './fast-kernel';
import { convInfoOf, cpuArgs, float32Of, isNhwc, output, type Shape4 } from './nhwc-conv';

// dW[kh,kw,ci,co] = sum over n,oh,ow of x[n, oh*s+kh-top, ow*s+kw-left, ci] * dy[n,oh,ow,co].
// tfjs walks this with one TensorBuffer.get per term and the batch/space sum innermost; here the space is walked
// once and each (x pixel, dy pixel) pair does a rank-1 update of a [ci,co] slab whose innermost run is contiguous.
// Sums run in doubles (like tfjs's), so the long N*H*W reductions keep full float32 accuracy.

/** 1x1, stride 1, no padding: dW = X^T * dY over the [N*H*W, Cin] and [N*H*W, Cout] matrices. */
const pointwise = (x: Float32Array, dy: Float32Array, pixels: number, ci: number, co: number): Float64Array => {
  const acc = new Float64Array(ci * co);
  for (let p = 0; p < pixels; p++) {
    const xo = p * ci;
    const dyo = p * co;
    for (let i = 0; i < ci; i++) {
      const xv = x[xo + i] as number;
      const row = i * co;
      for (let o = 0; o < co; o++) acc[row + o] = (acc[row + o] as number) + xv * (dy[dyo + o] as number);
    }
  }
  return acc;
};

const general = (x: Float32Array, dy: Float32Array, info: tf.backend_util.Conv2DInfo): Float64Array => {
  const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const slab = ci * co;
  const acc = new Float64Array(kh * kw * slab);
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let fr = 0; fr < kh; fr++) {
        const xr = oh * sh + fr - top;
        if (xr < 0 || xr >= inHeight) continue;
        const xRow = (n * inHeight + xr) * inWidth;
        for (let ow = 0; ow < outWidth; ow++) {
          const dyo = ((n * outHeight + oh) * outWidth + ow) * co;
          for (let fc = 0; fc < kw; fc++) {
            const xc = ow * sw + fc - left;
            if (xc < 0 || xc >= inWidth) continue;
            const xo = (xRow + xc) * ci;
            const wo = (fr * kw + fc) * slab;
            for (let i = 0; i < ci; i++) {
              const xv = x[xo + i] as number;
              const row = wo + i * co;
              for (let o = 0; o < co; o++) acc[row + o] = (acc[row + o] as number) + xv * (dy[dyo + o] as number);
            }
          }
        }
      }
    }
  }
  return acc;
};

export const conv2dBackpropFilter: FastKernel = {
  kernelName: tf.Conv2DBackpropFilter,
  make: (original) => (args) => {
    const { inputs, backend, attrs } = cpuArgs(args);
    const x = float32Of(backend, inputs['x']);
    const dy = float32Of(backend, inputs['dy']);
    if (x === undefined || dy === undefined || !isNhwc(attrs['dataFormat'])) return original(args);
    const info = convInfoOf(inputs['x']?.shape as Shape4, attrs['filterShape'] as Shape4, attrs, false);
    const plain1x1 =
      info.filterHeight === 1 && info.filterWidth === 1 && info.strideHeight === 1 && info.strideWidth === 1 &&
      info.padInfo.top === 0 && info.padInfo.left === 0 && info.outHeight === info.inHeight && info.outWidth === info.inWidth;
    const acc = plain1x1
      ? pointwise(x, dy, info.batchSize * info.inHeight * info.inWidth, info.inChannels, info.outChannels)
      : general(x, dy, info);
    return output(backend, info.filterShape, new Float32Array(acc));
  },
};
