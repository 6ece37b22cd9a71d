import * as tf from '@tensorflow/tfjs-core';
import type { FastKernel } from './fast-kernel';
import { allocLike, copyBox, isCopyable } from './block-copy';
import { cpuBackendOf, inputOf } from './cpu-tensor';

// tfjs-backend-cpu's non-contiguous Slice goes element by element through TensorBuffer.get/set with location
// arrays; DARTS slices (cropping a padded NHWC map, picking one phase of a strided reshape) copy whole runs instead.

/** `Slice` copying contiguous runs; contiguous slices (already a cheap subarray in tfjs) and strings go to tfjs. */
export const sliceKernel: FastKernel = {
  kernelName: tf.Slice,
  make: (original) => (args) => {
    const x = inputOf(args, 'x');
    if (!isCopyable(x.dtype)) return original(args);
    const attrs = args.attrs as unknown as tf.SliceAttrs;
    const [begin = [], size = []] = tf.slice_util.parseSliceParams(x, attrs.begin, attrs.size);
    tf.slice_util.assertParamsValid(x, begin, size);
    if (tf.slice_util.isSliceContinous(x.shape, begin, size)) return original(args);
    const backend = cpuBackendOf(args);
    const src = backend.data.get(x.dataId).values as Float32Array | Int32Array | Uint8Array;
    const out = allocLike(src, tf.util.sizeFromShape(size));
    copyBox(src, x.shape, begin, out, size, size.map(() => 0), size);
    return backend.makeTensorInfo(size, x.dtype, out);
  },
};
