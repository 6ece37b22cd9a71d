import * as tf from '@tensorflow/tfjs-core';
import type { FastKernel } from './fast-kernel';
import { cpuBackendOf, inputOf, valuesOf } from './cpu-tensor';

// Dilated convolutions run as SpaceToBatchND -> conv -> BatchToSpaceND; tfjs-backend-cpu builds the first as
// pad + 6-d transpose, each element-wise with location maths. For NHWC with a 2-d block the result is a direct gather:
// out[(i * bw + j) * N + n, h, w, :] = paddedX[n, h * bh + i, w * bw + j, :], one channel run per pixel.

/** `SpaceToBatchND` for 4-d float32 NHWC input and a 2-d block. */
export const spaceToBatchNDKernel: FastKernel = {
  kernelName: tf.SpaceToBatchND,
  make: (original) => (args) => {
    const x = inputOf(args, 'x');
    const { blockShape, paddings } = args.attrs as unknown as tf.SpaceToBatchNDAttrs;
    const [bh, bw] = blockShape;
    const [pt = 0, pb = 0] = paddings[0] ?? [], [pl = 0, pr = 0] = paddings[1] ?? [];
    const [N, H, W, C] = x.shape;
    if (x.dtype !== 'float32' || x.shape.length !== 4 || blockShape.length !== 2 || bh === undefined || bw === undefined
      || N === undefined || H === undefined || W === undefined || C === undefined || [pt, pb, pl, pr].some((p) => p < 0)) {
      return original(args);
    }
    const HP = H + pt + pb, WP = W + pl + pr;
    if (HP % bh !== 0 || WP % bw !== 0) return original(args);
    const OH = HP / bh, OW = WP / bw;
    const backend = cpuBackendOf(args);
    const xv = valuesOf(backend, x);
    const out = new Float32Array(N * bh * bw * OH * OW * C);
    for (let i = 0; i < bh; i++) {
      for (let j = 0; j < bw; j++) {
        for (let n = 0; n < N; n++) {
          const ob = ((i * bw + j) * N + n) * OH;
          for (let h = 0; h < OH; h++) {
            const r = h * bh + i - pt;
            if (r < 0 || r >= H) continue;
            for (let w = 0; w < OW; w++) {
              const c = w * bw + j - pl;
              if (c < 0 || c >= W) continue;
              const src = ((n * H + r) * W + c) * C, dst = ((ob + h) * OW + w) * C;
              for (let d = 0; d < C; d++) out[dst + d] = xv[src + d]!;
            }
          }
        }
      }
    }
    return backend.makeTensorInfo([N * bh * bw, OH, OW, C], 'float32', out);
  },
};
