import * as tf from '@tensorflow/tfjs-core';
import type { FastKernel } from './fast-kernel';
import { convInfoOf, cpuArgs, float32Of, isUnitDilation, output, tapColumns, type Shape4 } from './nhwc-conv';

// dx[n,xr,xc,c] = sum over (kh,kw,oh,ow) with xr = oh*s+kh-top, xc = ow*s+kw-left, and m, of dy[n,oh,ow,c*M+m]*w[kh,kw,c,m].
// Scattered from each dy pixel with the channel run innermost; tfjs gathers per dx element with the channel
// multiplier (usually 1) as its innermost loop, which leaves almost all the time in loop and bounds overhead.

const scatter = (dy: Float32Array, w: Float32Array, info: tf.backend_util.Conv2DInfo): Float32Array => {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const m = co / c;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const dx = new Float32Array(batchSize * inHeight * inWidth * c);
  // Per filter tap, the dy columns that land inside dx form one range, so the column sweep needs no bounds tests.
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const dyRow = (n * outHeight + oh) * outWidth;
      for (let fr = 0; fr < kh; fr++) {
        const xr = oh * sh + fr - top;
        if (xr < 0 || xr >= inHeight) continue;
        const xRow = (n * inHeight + xr) * inWidth;
        for (let fc = 0; fc < kw; fc++) {
          const [owLo, owHi] = tapColumns(info, fc);
          const wo = (fr * kw + fc) * co;
          let xo = (xRow + owLo * sw + fc - left) * c;
          let dyo = (dyRow + owLo) * co;
          const xStep = sw * c;
          for (let ow = owLo; ow < owHi; ow++, xo += xStep, dyo += co) {
            if (m === 1) {
              for (let i = 0; i < c; i++) dx[xo + i] = (dx[xo + i] as number) + (dy[dyo + i] as number) * (w[wo + i] as number);
            } else {
              for (let i = 0; i < c; i++) {
                let s = 0;
                for (let j = i * m; j < (i + 1) * m; j++) s += (dy[dyo + j] as number) * (w[wo + j] as number);
                dx[xo + i] = (dx[xo + i] as number) + s;
              }
            }
          }
        }
      }
    }
  }
  return dx;
};

export const depthwiseConv2dBackpropInput: FastKernel = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  make: (original) => (args) => {
    const { inputs, backend, attrs } = cpuArgs(args);
    const dy = float32Of(backend, inputs['dy']);
    const w = float32Of(backend, inputs['filter']);
    if (dy === undefined || w === undefined || !isUnitDilation(attrs['dilations'])) return original(args);
    const info = convInfoOf(attrs['inputShape'] as Shape4, inputs['filter']?.shape as Shape4, attrs, true);
    return output(backend, info.inShape, scatter(dy, w, info));
  },
};
