import * as tf from '@tensorflow/tfjs-core';
import type { FastKernel } from './fast-kernel';
import { cpuBackendOf, inputOf, valuesOf } from './cpu-tensor';
import { coveringRange, isPlainPool, windowRange } from './pool-geometry';

// tfjs-backend-cpu's forward AvgPool divides each window by the number of input pixels it actually covers (padding
// excluded, like PyTorch's count_include_pad=False), but its AvgPoolGrad divides by the full filter area, so border
// gradients are too small for 'same' padding. This kernel is the exact adjoint of tfjs's forward AvgPool:
// dx[p] = sum over windows w covering p of dy[w] / count(w).

/** `AvgPoolGrad` (NHWC float32), the true gradient of tfjs-backend-cpu's `AvgPool`. */
export const avgPoolGradKernel: FastKernel = {
  kernelName: tf.AvgPoolGrad,
  make: (original) => (args) => {
    const dy = inputOf(args, 'dy'), x = inputOf(args, 'input');
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') return original(args);
    const { filterSize, strides, pad } = args.attrs as unknown as tf.AvgPoolGradAttrs;
    const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize, strides, 1, pad);
    if (!isPlainPool(info) || info.outShape.some((d, i) => d !== dy.shape[i])) return original(args);
    const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
    const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
    const pt = info.padInfo.top, pl = info.padInfo.left;
    // 1 / (number of real input pixels) of each output position; the same for every image and channel.
    const inv = new Float64Array(OH * OW);
    for (let oy = 0; oy < OH; oy++) {
      const [r0, r1] = windowRange(oy, sh, pt, fh, H);
      for (let ox = 0; ox < OW; ox++) {
        const [c0, c1] = windowRange(ox, sw, pl, fw, W);
        const count = (r1 - r0) * (c1 - c0);
        inv[oy * OW + ox] = count > 0 ? 1 / count : 0;
      }
    }
    const backend = cpuBackendOf(args);
    const dyv = valuesOf(backend, dy);
    const dx = new Float32Array(N * H * W * C);
    const acc = new Float64Array(C);
    for (let n = 0; n < N; n++) {
      for (let r = 0; r < H; r++) {
        const [y0, y1] = coveringRange(r, sh, pt, fh, OH);
        for (let c = 0; c < W; c++) {
          const [x0, x1] = coveringRange(c, sw, pl, fw, OW);
          acc.fill(0);
          for (let oy = y0; oy < y1; oy++) {
            for (let ox = x0; ox < x1; ox++) {
              const k = inv[oy * OW + ox]!, o = ((n * OH + oy) * OW + ox) * C;
              for (let d = 0; d < C; d++) acc[d]! += dyv[o + d]! * k;
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
