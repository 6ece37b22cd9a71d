import * as tf from '@tensorflow/tfjs-core';
import type { FastKernel } from './fast-kernel';
import { convInfoOf, cpuArgs, float32Of, isUnitDilation, output, tapColumns, type Shape4 } from './nhwc-conv';

// dW[kh,kw,c,m] = sum over n,oh,ow of x[n, oh*s+kh-top, ow*s+kw-left, c] * dy[n,oh,ow,c*M+m].
// Walks the space once with the channel run innermost (contiguous in x, dy and dW), instead of tfjs's per-term
// TensorBuffer.get with the space innermost. Double accumulators keep the long sums as accurate as tfjs's.

const multiplierOne = (x: Float32Array, dy: Float32Array, info: tf.backend_util.Conv2DInfo): Float64Array => {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const acc = new Float64Array(kh * kw * c);
  // Per filter tap, the valid output columns form one range, so the column sweep needs no bounds tests.
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const dyRow = (n * outHeight + oh) * outWidth;
      for (let fr = 0; fr < kh; fr++) {
        const xr = oh * sh + fr - top;
        if (xr < 0 || xr >= inHeight) continue;
        const xRow = (n * inHeight + xr) * inWidth;
        for (let fc = 0; fc < kw; fc++) {
          const [owLo, owHi] = tapColumns(info, fc);
          const wo = (fr * kw + fc) * c;
          let xo = (xRow + owLo * sw + fc - left) * c;
          let dyo = (dyRow + owLo) * c;
          const xStep = sw * c;
          for (let ow = owLo; ow < owHi; ow++, xo += xStep, dyo += c) {
            for (let i = 0; i < c; i++) acc[wo + i] = (acc[wo + i] as number) + (x[xo + i] as number) * (dy[dyo + i] as number);
          }
        }
      }
    }
  }
  return acc;
};

const anyMultiplier = (x: Float32Array, dy: Float32Array, info: tf.backend_util.Conv2DInfo): Float64Array => {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const m = co / c;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const acc = new Float64Array(kh * kw * co);
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
            const xo = (xRow + xc) * c;
            const wo = (fr * kw + fc) * co;
            for (let i = 0; i < c; i++) {
              const xv = x[xo + i] as number;
              const j0 = i * m;
              for (let j = j0; j < j0 + m; j++) acc[wo + j] = (acc[wo + j] as number) + xv * (dy[dyo + j] as number);
            }
          }
        }
      }
    }
  }
  return acc;
};

export const depthwiseConv2dBackpropFilter: FastKernel = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  make: (original) => (args) => {
    const { inputs, backend, attrs } = cpuArgs(args);
    const x = float32Of(backend, inputs['x']);
    const dy = float32Of(backend, inputs['dy']);
    if (x === undefined || dy === undefined || !isUnitDilation(attrs['dilations'])) return original(args);
    const info = convInfoOf(inputs['x']?.shape as Shape4, attrs['filterShape'] as Shape4, attrs, true);
    const acc = info.outChannels === info.inChannels ? multiplierOne(x, dy, info) : anyMultiplier(x, dy, info);
    return output(backend, info.filterShape, new Float32Array(acc));
  },
};
