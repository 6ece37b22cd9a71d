import * as tf from '@tensorflow/tfjs-core';
import type { FastKernel } from './fast-kernel';
import { cpuBackendOf, inputOf, valuesOf } from './cpu-tensor';
import { outputFloat32 } from '@approx-darts/kernels';

// tfjs-backend-cpu broadcasts with per-element index<->location maths and a closure call per element. DARTS only ever
// combines float32 tensors of the same shape, with a scalar, with a per-channel vector ([C] / [1,1,1,C]), or with a
// per-image one ([N,1,1,C]: the global average pool's gradient), so those four layouts get flat loops; anything else
// (other dtypes, complex64, other broadcasts) goes to tfjs.

type Layout = 'same' | 'scalar' | 'channel' | 'image';

/** How `small` broadcasts against the output of `outSize` elements whose last axis is `lastDim`, if it is a fast case. */
const layoutOf = (small: tf.TensorInfo, smallSize: number, outShape: readonly number[], outSize: number, lastDim: number): Layout | undefined => {
  if (smallSize === outSize) return 'same';
  if (smallSize === 1) return 'scalar';
  const s = small.shape;
  if (smallSize === lastDim && s[s.length - 1] === lastDim) return 'channel';
  const perImage = s.length === outShape.length && s.length > 2 && s[0] === outShape[0] && s[s.length - 1] === lastDim && s.slice(1, -1).every((d) => d === 1);
  if (perImage) return 'image';
  return undefined;
};

type Op = 'add' | 'sub' | 'mul' | 'div';

// One loop per (op, layout), written out so V8 sees a monomorphic body with no closure call per element.
// `aIsBig` tells which operand is the broadcast one (order matters for sub and div).
const run = (op: Op, layout: Layout, big: Float32Array, small: Float32Array, aIsBig: boolean, out: Float32Array, channels: number): void => {
  const n = out.length;
  if (layout === 'image') {
    // image by image, a per-channel broadcast of that image's row of `small`
    const c = channels, images = small.length / c, block = n / images;
    for (let i = 0; i < images; i++)
      run(op, 'channel', big.subarray(i * block, (i + 1) * block), small.subarray(i * c, (i + 1) * c), aIsBig, out.subarray(i * block, (i + 1) * block), c);
    return;
  }
  if (layout === 'same') {
    const a = aIsBig ? big : small, b = aIsBig ? small : big;
    if (op === 'add') for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
    else if (op === 'sub') for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!;
    else if (op === 'mul') for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
    else for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!;
    return;
  }
  if (layout === 'scalar') {
    const s = small[0]!;
    if (op === 'add') for (let i = 0; i < n; i++) out[i] = big[i]! + s;
    else if (op === 'mul') for (let i = 0; i < n; i++) out[i] = big[i]! * s;
    else if (op === 'sub') {
      if (aIsBig) for (let i = 0; i < n; i++) out[i] = big[i]! - s;
      else for (let i = 0; i < n; i++) out[i] = s - big[i]!;
    } else if (aIsBig) for (let i = 0; i < n; i++) out[i] = big[i]! / s;
    else for (let i = 0; i < n; i++) out[i] = s / big[i]!;
    return;
  }
  const c = small.length;
  if (op === 'add') for (let i = 0; i < n; i += c) for (let k = 0; k < c; k++) out[i + k] = big[i + k]! + small[k]!;
  else if (op === 'mul') for (let i = 0; i < n; i += c) for (let k = 0; k < c; k++) out[i + k] = big[i + k]! * small[k]!;
  else if (op === 'sub') {
    if (aIsBig) for (let i = 0; i < n; i += c) for (let k = 0; k < c; k++) out[i + k] = big[i + k]! - small[k]!;
    else for (let i = 0; i < n; i += c) for (let k = 0; k < c; k++) out[i + k] = small[k]! - big[i + k]!;
  } else if (aIsBig) for (let i = 0; i < n; i += c) for (let k = 0; k < c; k++) out[i + k] = big[i + k]! / small[k]!;
  else for (let i = 0; i < n; i += c) for (let k = 0; k < c; k++) out[i + k] = small[k]! / big[i + k]!;
};

const binaryKernel = (kernelName: string, op: Op): FastKernel => ({
  kernelName,
  make: (original) => (args) => {
    const a = inputOf(args, 'a'), b = inputOf(args, 'b');
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return original(args);
    const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const outSize = tf.util.sizeFromShape(outShape);
    const aSize = tf.util.sizeFromShape(a.shape), bSize = tf.util.sizeFromShape(b.shape);
    const lastDim = outShape[outShape.length - 1] ?? 1;
    // The operand as large as the output is "big"; the other must be same/scalar/channel-shaped.
    const aIsBig = aSize === outSize;
    if (!aIsBig && bSize !== outSize) return original(args);
    const layout = layoutOf(aIsBig ? b : a, aIsBig ? bSize : aSize, outShape, outSize, lastDim);
    if (layout === undefined) return original(args);
    const backend = cpuBackendOf(args);
    const out = outputFloat32(outSize);
    run(op, layout, valuesOf(backend, aIsBig ? a : b), valuesOf(backend, aIsBig ? b : a), aIsBig, out, lastDim);
    return backend.makeTensorInfo(outShape, 'float32', out);
  },
});

/** Float32 `Add`, `Sub`, `Multiply`, `RealDiv` for same-shape, scalar, per-channel and per-image operands. */
export const addKernel = binaryKernel(tf.Add, 'add');
export const subKernel = binaryKernel(tf.Sub, 'sub');
export const multiplyKernel = binaryKernel(tf.Multiply, 'mul');
export const realDivKernel = binaryKernel(tf.RealDiv, 'div');
