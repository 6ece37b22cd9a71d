import type * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

// Small accessors shared by the fast elementwise kernels: tfjs hands kernels an untyped backend and TensorInfos whose
// values live in the cpu backend's data map.

/** The cpu backend behind a kernel call. */
export const cpuBackendOf = (args: Parameters<tf.KernelFunc>[0]): MathBackendCPU => args.backend as MathBackendCPU;

/** The stored values of `t` (a Float32Array when `t.dtype` is float32). */
export const valuesOf = (backend: MathBackendCPU, t: tf.TensorInfo): Float32Array =>
  backend.data.get(t.dataId).values as Float32Array;

/** The named input of a kernel call; throws (rather than returning undefined) when tfjs did not pass it. */
export const inputOf = (args: Parameters<tf.KernelFunc>[0], name: string): tf.TensorInfo => {
  const t = args.inputs[name];
  if (t === undefined) throw new Error(`fast cpu kernel: missing input ${name}`);
  return t;
};

/** Product of a shape's dimensions. */
export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Row-major strides of a shape (innermost stride 1). */
export const stridesOf = (shape: readonly number[]): number[] => {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = (s[i + 1] ?? 1) * (shape[i + 1] ?? 1);
  return s;
};
