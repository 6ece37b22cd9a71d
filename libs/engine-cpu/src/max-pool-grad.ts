import * as tf from '@tensorflow/tfjs-core';
import type { FastKernel } from './fast-kernel';
import { cpuBackendOf, inputOf, valuesOf } from './cpu-tensor';
import { coveringRange, isPlainPool, windowRange } from './pool-geometry';

// tfjs-backend-cpu finds each window's argmax through TensorBuffer.get and then, per input pixel, rescans every
// window. Here: one pass records each window's argmax (first strict maximum in row-major window order, NaN never
// wins, exactly as tfjs), a second pass gathers dy into each input pixel from the windows whose argmax it is.

/** `MaxPoolGrad` (NHWC float32) with tfjs's tie-breaking. */
export const maxPoolGradKernel: FastKernel = {
  kernelName: tf.MaxPoolGrad,
  make: (original) => (args) => {
    const dy = inputOf(args, 'dy'), x = inputOf(args, 'input');
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') return original(args);
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.MaxPoolGradAttrs;
    const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    if (!isPlainPool(info) || info.outShape.some((d, i) => d !== dy.shape[i])) return original(args);
    const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
    const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
    const pt = info.padInfo.top, pl = info.padInfo.left;
    const backend = cpuBackendOf(args);
    const xv = valuesOf(backend, x), dyv = valuesOf(backend, dy);
    // argmax[o] = flat (row * W + col) of the winning input pixel of output element o, or -1 (empty / all NaN).
    const argmax = new Int32Array(N * OH * OW * C).fill(-1);
    const best = new Float64Array(C);
    for (let n = 0; n < N; n++) {
      for (let oy = 0; oy < OH; oy++) {
        const [r0, r1] = windowRange(oy, sh, pt, fh, H);
        for (let ox = 0; ox < OW; ox++) {
          const [c0, c1] = windowRange(ox, sw, pl, fw, W);
          const o = ((n * OH + oy) * OW + ox) * C;
          best.fill(-Infinity);
          for (let r = r0; r < r1; r++) {
            for (let c = c0; c < c1; c++) {
              const p = ((n * H + r) * W + c) * C, rc = r * W + c;
              for (let d = 0; d < C; d++) {
                const v = xv[p + d]!;
                if (v > best[d]!) { best[d] = v; argmax[o + d] = rc; }
              }
            }
          }
        }
      }
    }
    const dx = new Float32Array(N * H * W * C);
    const acc = new Float64Array(C);
    for (let n = 0; n < N; n++) {
      for (let r = 0; r < H; r++) {
        const [y0, y1] = coveringRange(r, sh, pt, fh, OH);
        for (let c = 0; c < W; c++) {
          const [x0, x1] = coveringRange(c, sw, pl, fw, OW);
          const rc = r * W + c;
          acc.fill(0);
          for (let oy = y0; oy < y1; oy++) {
            for (let ox = x0; ox < x1; ox++) {
              const o = ((n * OH + oy) * OW + ox) * C;
              for (let d = 0; d < C; d++) if (argmax[o + d] === rc) acc[d]! += dyv[o + d]!;
            }
          }
          const p = ((n * H + r) * W + c) * C;
          for (let d = 0; d < C; d++) dx[p + d] = acc[d]!;
        }
      }
    }
    return backend.makeTensorInfo(x.shape, 'float32', dx);
  },
};
