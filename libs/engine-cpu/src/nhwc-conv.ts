import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

// Shared plumbing of the fast NHWC convolution kernels: what they specialize (float32, channels-last, dilation 1)
// and how they read and write tfjs-backend-cpu tensors. Conv geometry always comes from tfjs's own
// computeConv2DInfo so padding, output sizes and rounding match the original kernels exactly.

export type Shape4 = [number, number, number, number];

/** The kernel arguments as tfjs passes them, with the backend typed as the cpu backend these kernels run on. */
export interface CpuKernelArgs {
  readonly inputs: tf.NamedTensorInfoMap;
  readonly backend: MathBackendCPU;
  readonly attrs: tf.NamedAttrMap;
}

export const cpuArgs = (args: Parameters<tf.KernelFunc>[0]): CpuKernelArgs => ({
  inputs: args.inputs,
  backend: args.backend as MathBackendCPU,
  attrs: args.attrs ?? {},
});

/** DARTS composes dilated convolutions from dense ones upstream, so only dilation 1 is specialized. */
export const isUnitDilation = (d: unknown): boolean =>
  d === undefined || d === null || d === 1 || (Array.isArray(d) && d.every((v) => v === 1));

export const isNhwc = (dataFormat: unknown): boolean => dataFormat === undefined || dataFormat === null || dataFormat === 'NHWC';

/** The float32 values of a rank-4 tensor, or undefined when the fast path does not apply (other dtype or rank). */
export const float32Of = (backend: MathBackendCPU, t: tf.TensorInfo | undefined): Float32Array | undefined => {
  if (t === undefined || t.dtype !== 'float32' || t.shape.length !== 4) return undefined;
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : undefined;
};

type Pad = tf.backend_util.ExplicitPadding | 'valid' | 'same' | number;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

/** tfjs's conv geometry for NHWC, dilation 1. */
export const convInfoOf = (
  inShape: Shape4,
  filterShape: Shape4,
  attrs: tf.NamedAttrMap,
  depthwise: boolean,
): tf.backend_util.Conv2DInfo =>
  tf.backend_util.computeConv2DInfo(
    inShape,
    filterShape,
    attrs['strides'] as number | [number, number],
    1,
    attrs['pad'] as Pad,
    attrs['dimRoundingMode'] as Rounding,
    depthwise,
    'channelsLast',
  );

/**
 * The output columns [lo, hi) whose filter tap `fc` reads a real input column (not padding): the column sweeps of the
 * depthwise kernels run over this range without per-element bounds tests.
 */
export const tapColumns = (info: tf.backend_util.Conv2DInfo, fc: number): readonly [number, number] => {
  const left = info.padInfo.left;
  const sw = info.strideWidth;
  return [Math.max(0, Math.ceil((left - fc) / sw)), Math.min(info.outWidth, Math.floor((info.inWidth - 1 + left - fc) / sw) + 1)];
};

export const output = (backend: MathBackendCPU, shape: readonly number[], values: Float32Array): tf.TensorInfo =>
  backend.makeTensorInfo([...shape], 'float32', values);
