import * as tf from '@tensorflow/tfjs-core';
import type { FastKernel } from './fast-kernel';
import { convInfoOf, cpuArgs, float32Of, isUnitDilation, output, tapColumns, type Shape4 } from './nhwc-conv';

// y[n,oh,ow,c*M+m] = sum over kh,kw of x[n, oh*s+kh-top, ow*s+kw-left, c] * w[kh,kw,c,m].
// Same loop nest as tfjs's, but with the channel run (not the channel multiplier, usually 1) innermost.

const forward = (x: Float32Array, w: Float32Array, info: tf.backend_util.Conv2DInfo): Float32Array => {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const m = co / c;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const y = new Float32Array(batchSize * outHeight * outWidth * co);
  // Per filter tap, the valid output columns form one range, so the column sweep needs no bounds tests.
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const yRow = (n * outHeight + oh) * outWidth;
      for (let fr = 0; fr < kh; fr++) {
        const xr = oh * sh + fr - top;
        if (xr < 0 || xr >= inHeight) continue;
        const xRow = (n * inHeight + xr) * inWidth;
        for (let fc = 0; fc < kw; fc++) {
          const [owLo, owHi] = tapColumns(info, fc);
          const wo = (fr * kw + fc) * co;
          let xo = (xRow + owLo * sw + fc - left) * c;
          let yo = (yRow + owLo) * co;
          const xStep = sw * c;
          for (let ow = owLo; ow < owHi; ow++, xo += xStep, yo += co) {
            if (m === 1) {
              for (let i = 0; i < c; i++) y[yo + i] = (y[yo + i] as number) + (x[xo + i] as number) * (w[wo + i] as number);
            } else {
              for (let i = 0; i < c; i++) {
                const xv = x[xo + i] as number;
                for (let j = i * m; j < (i + 1) * m; j++) y[yo + j] = (y[yo + j] as number) + xv * (w[wo + j] as number);
              }
            }
          }
        }
      }
    }
  }
  return y;
};

export const depthwiseConv2d: FastKernel = {
  kernelName: tf.DepthwiseConv2dNative,
  make: (original) => (args) => {
    const { inputs, backend, attrs } = cpuArgs(args);
    const x = float32Of(backend, inputs['x']);
    const w = float32Of(backend, inputs['filter']);
    if (x === undefined || w === undefined || !isUnitDilation(attrs['dilations'])) return original(args);
    const info = convInfoOf(inputs['x']?.shape as Shape4, inputs['filter']?.shape as Shape4, attrs, true);
    return output(backend, info.outShape, forward(x, w, info));
  },
};
