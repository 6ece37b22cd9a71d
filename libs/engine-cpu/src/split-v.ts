import * as tf from '@tensorflow/tfjs-core';
import type { FastKernel } from './fast-kernel';
import { allocLike, copyBox, isCopyable } from './block-copy';
import { cpuBackendOf, inputOf } from './cpu-tensor';

// tfjs-backend-cpu's SplitV calls its own element-wise Slice directly (not through the kernel registry), so the fast
// Slice does not reach it; splitting the channels of a DARTS cell output is one run copy per pixel and part.

/** `SplitV` by run copies for numeric dtypes. */
export const splitVKernel: FastKernel = {
  kernelName: tf.SplitV,
  make: (original) => (args) => {
    const x = inputOf(args, 'x');
    if (!isCopyable(x.dtype)) return original(args);
    const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
    const ax = tf.util.parseAxisParam(axis, x.shape)[0] ?? 0;
    const sizes = tf.backend_util.prepareSplitSize(x, numOrSizeSplits, ax);
    const backend = cpuBackendOf(args);
    const src = backend.data.get(x.dataId).values as Float32Array | Int32Array | Uint8Array;
    let offset = 0;
    return sizes.map((s) => {
      const shape = x.shape.map((d, i) => (i === ax ? s : d));
      const begin = x.shape.map((_, i) => (i === ax ? offset : 0));
      const out = allocLike(src, tf.util.sizeFromShape(shape));
      copyBox(src, x.shape, begin, out, shape, shape.map(() => 0), shape);
      offset += s;
      return backend.makeTensorInfo(shape, x.dtype, out);
    });
  },
};
