import * as tf from '@tensorflow/tfjs-core';
import type { FastKernel } from './fast-kernel';
import { allocLike, copyBox, isCopyable } from './block-copy';
import { cpuBackendOf, inputOf } from './cpu-tensor';

// tfjs-backend-cpu pads element by element with indexToLoc/locToIndex; here the input lands as contiguous runs.

/** Constant-value `PadV2` by run copies (non-negative paddings, numeric dtypes). */
export const padV2Kernel: FastKernel = {
  kernelName: tf.PadV2,
  make: (original) => (args) => {
    const x = inputOf(args, 'x');
    const { paddings, constantValue } = args.attrs as unknown as tf.PadV2Attrs;
    if (!isCopyable(x.dtype) || paddings.some(([a, b]) => a < 0 || b < 0)) return original(args);
    const outShape = paddings.map(([before, after], i) => before + (x.shape[i] ?? 0) + after);
    const backend = cpuBackendOf(args);
    const src = backend.data.get(x.dataId).values as Float32Array | Int32Array | Uint8Array;
    const out = allocLike(src, tf.util.sizeFromShape(outShape));
    if (constantValue !== 0) out.fill(constantValue);
    copyBox(src, x.shape, x.shape.map(() => 0), out, outShape, paddings.map(([before]) => before), x.shape);
    return backend.makeTensorInfo(outShape, x.dtype, out);
  },
};
