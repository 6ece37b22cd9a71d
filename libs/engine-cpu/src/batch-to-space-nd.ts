import * as tf from '@tensorflow/tfjs-core';
import type { FastKernel } from './fast-kernel';
import { cpuBackendOf, inputOf, valuesOf } from './cpu-tensor';

// The inverse move of SpaceToBatchND after a dilated convolution; tfjs-backend-cpu builds it as reshape + 6-d
// transpose + crop, element by element. For NHWC with a 2-d block it is a direct scatter of channel runs:
// out[n, h * bh + i - ct, w * bw + j - cl, :] = x[(i * bw + j) * N + n, h, w, :], skipping cropped rows and columns.

/** `BatchToSpaceND` for 4-d float32 NHWC input and a 2-d block. */
export const batchToSpaceNDKernel: FastKernel = {
  kernelName: tf.BatchToSpaceND,
  make: (original) => (args) => {
    const x = inputOf(args, 'x');
    const { blockShape, crops } = args.attrs as unknown as tf.BatchToSpaceNDAttrs;
    const [bh, bw] = blockShape;
    const [ct = 0, cb = 0] = crops[0] ?? [], [cl = 0, cr = 0] = crops[1] ?? [];
    const [B, H, W, C] = x.shape;
    if (x.dtype !== 'float32' || x.shape.length !== 4 || blockShape.length !== 2 || bh === undefined || bw === undefined
      || B === undefined || H === undefined || W === undefined || C === undefined || B % (bh * bw) !== 0) {
      return original(args);
    }
    const N = B / (bh * bw), OH = H * bh - ct - cb, OW = W * bw - cl - cr;
    if (OH < 0 || OW < 0 || [ct, cb, cl, cr].some((c) => c < 0)) return original(args);
    const backend = cpuBackendOf(args);
    const xv = valuesOf(backend, x);
    const out = new Float32Array(N * OH * OW * C);
    for (let i = 0; i < bh; i++)
      for (let j = 0; j < bw; j++)
        for (let n = 0; n < N; n++) {
          const ib = ((i * bw + j) * N + n) * H;
          for (let h = 0; h < H; h++) {
            const r = h * bh + i - ct;
            if (r < 0 || r >= OH) continue;
            for (let w = 0; w < W; w++) {
              const c = w * bw + j - cl;
              if (c < 0 || c >= OW) continue;
              const src = ((ib + h) * W + w) * C, dst = ((n * OH + r) * OW + c) * C;
              for (let d = 0; d < C; d++) out[dst + d] = xv[src + d]!;
            }
          }
        }
    return backend.makeTensorInfo([N, OH, OW, C], 'float32', out);
  },
};
