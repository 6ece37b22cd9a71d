import * as tf from '@tensorflow/tfjs-core';
import type { FastKernel } from './fast-kernel';
import { convInfoOf, cpuArgs, float32Of, isNhwc, output, type Shape4 } from './nhwc-conv';

// dx[n,xr,xc,ci] = sum over (kh,kw,oh,ow) with xr = oh*s+kh-top, xc = ow*s+kw-left, of dot(dy[n,oh,ow,:], w[kh,kw,ci,:]).
// Scattered from each dy pixel: each (ci) term is a contiguous dot product over co, with no per-element
// ceil/division bounds maths as in tfjs's gather form.

const scatter = (dy: Float32Array, w: Float32Array, info: tf.backend_util.Conv2DInfo): Float32Array => {
  const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const dx = new Float32Array(batchSize * inHeight * inWidth * ci);
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
            const wo = (fr * kw + fc) * ci * co;
            for (let i = 0; i < ci; i++) {
              const row = wo + i * co;
              let s = 0;
              for (let o = 0; o < co; o++) s += (dy[dyo + o] as number) * (w[row + o] as number);
              dx[xo + i] = (dx[xo + i] as number) + s;
            }
          }
        }
      }
    }
  }
  return dx;
};

export const conv2dBackpropInput: FastKernel = {
  kernelName: tf.Conv2DBackpropInput,
  make: (original) => (args) => {
    const { inputs, backend, attrs } = cpuArgs(args);
    const dy = float32Of(backend, inputs['dy']);
    const w = float32Of(backend, inputs['filter']);
    if (dy === undefined || w === undefined || !isNhwc(attrs['dataFormat'])) return original(args);
    const info = convInfoOf(attrs['inputShape'] as Shape4, inputs['filter']?.shape as Shape4, attrs, false);
    return output(backend, info.inShape, scatter(dy, w, info));
  },
};
