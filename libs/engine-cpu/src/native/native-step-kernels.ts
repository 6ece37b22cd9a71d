import * as tf from '@tensorflow/tfjs-core';
import type { CpuNativeAddon } from '@approx-darts/cpu-native';
import type { FastKernel } from '../fast-kernel';
import { cpuBackendOf, inputOf, valuesOf } from '../cpu-tensor';
import { isPlainPool } from '../pool-geometry';
import { BatchNormTrain, BatchNormTrainGrad, outputFloat32, ReluBackward, WeightedSum, WeightedSumWeightGrad, type BatchNormTrainAttrs, type WeightedSumAttrs, type WeightedSumWeightGradAttrs } from '@approx-darts/kernels';

// The rest of a search step's hot kernels on the native addon (kernels/cpu-native/src/native/step_kernels.cc): the
// fused batch norm and weighted sum, ReLU and its gradient, same-shape Add, max and average pooling with their
// gradients. Each computes what the kernel it overrides computes (same order and precision); anything else (other
// dtypes, broadcasting, dilated pools) goes to the kernel registered before it.

type Args = Parameters<tf.KernelFunc>[0];

const isFloat32 = (backend: ReturnType<typeof cpuBackendOf>, ts: readonly tf.TensorInfo[]): boolean =>
  ts.every((t) => t.dtype === 'float32' && backend.data.get(t.dataId).values instanceof Float32Array);

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

const out = (args: Args, shape: readonly number[], values: Float32Array): tf.TensorInfo => cpuBackendOf(args).makeTensorInfo([...shape], 'float32', values);

const unary = (kernelName: string, run: (addon: CpuNativeAddon, x: Float32Array, y: Float32Array) => void) => (addon: CpuNativeAddon): FastKernel => ({
  kernelName,
  make: (original) => (args) => {
    const x = inputOf(args, 'x');
    const backend = cpuBackendOf(args);
    if (!isFloat32(backend, [x])) return original(args);
    const y = outputFloat32(sizeOf(x.shape));
    run(addon, valuesOf(backend, x), y);
    return out(args, x.shape, y);
  },
});

const relu = unary(tf.Relu, (addon, x, y) => addon.relu(x, y));

const reluBackward = (addon: CpuNativeAddon): FastKernel => ({
  kernelName: ReluBackward,
  make: (original) => (args) => {
    const dy = inputOf(args, 'dy'), x = inputOf(args, 'x');
    const backend = cpuBackendOf(args);
    if (!isFloat32(backend, [dy, x]) || sizeOf(dy.shape) !== sizeOf(x.shape)) return original(args);
    const dx = outputFloat32(sizeOf(x.shape));
    addon.reluBackward(valuesOf(backend, dy), valuesOf(backend, x), dx);
    return out(args, x.shape, dx);
  },
});

const add = (addon: CpuNativeAddon): FastKernel => ({
  kernelName: tf.Add,
  make: (original) => (args) => {
    const a = inputOf(args, 'a'), b = inputOf(args, 'b');
    const backend = cpuBackendOf(args);
    const same = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
    if (!same || !isFloat32(backend, [a, b])) return original(args);
    const y = outputFloat32(sizeOf(a.shape));
    addon.add(valuesOf(backend, a), valuesOf(backend, b), y);
    return out(args, a.shape, y);
  },
});

const weightedSum = (addon: CpuNativeAddon): FastKernel => ({
  kernelName: WeightedSum,
  make: (original) => (args) => {
    const [weights, ...xs] = args.inputs as unknown as tf.TensorInfo[];
    const backend = cpuBackendOf(args);
    if (weights === undefined || xs.length === 0 || !isFloat32(backend, [weights, ...xs])) return original(args);
    const { indices } = args.attrs as unknown as WeightedSumAttrs;
    const w = valuesOf(backend, weights);
    const shape = (xs[0] as tf.TensorInfo).shape;
    const y = outputFloat32(sizeOf(shape));
    addon.weightedSum(xs.map((x) => valuesOf(backend, x)), Float32Array.from(indices, (i) => w[i] as number), y);
    return out(args, shape, y);
  },
});

const weightedSumWeightGrad = (addon: CpuNativeAddon): FastKernel => ({
  kernelName: WeightedSumWeightGrad,
  make: (original) => (args) => {
    const [dy, ...xs] = args.inputs as unknown as tf.TensorInfo[];
    const backend = cpuBackendOf(args);
    if (dy === undefined || !isFloat32(backend, [dy, ...xs])) return original(args);
    const { indices, weightsShape } = args.attrs as unknown as WeightedSumWeightGradAttrs;
    const dots = new Float64Array(xs.length);
    addon.weightedSumDots(valuesOf(backend, dy), xs.map((x) => valuesOf(backend, x)), dots);
    // summed in float64 where an index repeats, as weighted-sum-cpu.ts does
    const sums = new Float64Array(sizeOf(weightsShape));
    indices.forEach((at, j) => (sums[at] = (sums[at] as number) + (dots[j] as number)));
    return out(args, weightsShape, Float32Array.from(sums));
  },
});

const batchNormTrain = (addon: CpuNativeAddon): FastKernel => ({
  kernelName: BatchNormTrain,
  make: (original) => (args) => {
    const x = inputOf(args, 'x'), rm = inputOf(args, 'runningMean'), rv = inputOf(args, 'runningVar');
    const gamma = inputOf(args, 'gamma'), beta = inputOf(args, 'beta');
    const backend = cpuBackendOf(args);
    if (!isFloat32(backend, [x, rm, rv, gamma, beta])) return original(args);
    const { epsilon, momentum } = args.attrs as unknown as BatchNormTrainAttrs;
    const channels = x.shape[x.shape.length - 1] as number;
    const affine = gamma.shape[0] === channels;
    const y = outputFloat32(sizeOf(x.shape));
    const stats = new Float32Array(5 * channels);
    addon.batchNormTrain(
      valuesOf(backend, x), channels, valuesOf(backend, rm), valuesOf(backend, rv),
      affine ? valuesOf(backend, gamma) : null, affine ? valuesOf(backend, beta) : null, epsilon, momentum, y, stats,
    );
    return [
      out(args, x.shape, y),
      out(args, [5, channels], stats),
      out(args, [channels], stats.slice(2 * channels, 3 * channels)),
      out(args, [channels], stats.slice(3 * channels, 4 * channels)),
    ];
  },
});

const batchNormTrainGrad = (addon: CpuNativeAddon): FastKernel => ({
  kernelName: BatchNormTrainGrad,
  make: (original) => (args) => {
    const dy = inputOf(args, 'dy'), x = inputOf(args, 'x'), stats = inputOf(args, 'stats');
    const backend = cpuBackendOf(args);
    if (!isFloat32(backend, [dy, x, stats])) return original(args);
    const channels = x.shape[x.shape.length - 1] as number;
    const dx = outputFloat32(sizeOf(x.shape));
    const sums = new Float32Array(2 * channels);
    addon.batchNormTrainGrad(valuesOf(backend, dy), valuesOf(backend, x), valuesOf(backend, stats), channels, dx, sums);
    return [out(args, x.shape, dx), out(args, [2, channels], sums)];
  },
});

type PoolAttrs = { filterSize: number | [number, number]; strides: number | [number, number]; pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil' };

const poolInfo = (xShape: readonly number[], attrs: PoolAttrs): tf.backend_util.Conv2DInfo =>
  tf.backend_util.computePool2DInfo(xShape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);

const poolGeometry = (i: tf.backend_util.Conv2DInfo): Int32Array =>
  Int32Array.from([i.batchSize, i.inHeight, i.inWidth, i.inChannels, i.outHeight, i.outWidth, i.filterHeight, i.filterWidth, i.strideHeight, i.strideWidth, i.padInfo.top, i.padInfo.left]);

const usable = (i: tf.backend_util.Conv2DInfo): boolean => isPlainPool(i) && [i.batchSize, i.inHeight, i.inWidth, i.inChannels, i.outHeight, i.outWidth].every((d) => d > 0);

const pool = (kernelName: string, kind: 0 | 1) => (addon: CpuNativeAddon): FastKernel => ({
  kernelName,
  make: (original) => (args) => {
    const x = inputOf(args, 'x');
    const backend = cpuBackendOf(args);
    if (x.shape.length !== 4 || !isFloat32(backend, [x])) return original(args);
    const info = poolInfo(x.shape, args.attrs as unknown as PoolAttrs);
    // tfjs returns a 1x1 pool that keeps the shape as the input itself (signed zeros and NaN included)
    const identity = info.filterHeight === 1 && info.filterWidth === 1 && info.outShape.every((d, i) => d === x.shape[i]);
    if (!usable(info) || identity) return original(args);
    const y = outputFloat32(sizeOf(info.outShape));
    addon.pool(kind, poolGeometry(info), valuesOf(backend, x), y);
    return out(args, info.outShape, y);
  },
});

const poolGrad = (kernelName: string, kind: 0 | 1) => (addon: CpuNativeAddon): FastKernel => ({
  kernelName,
  make: (original) => (args) => {
    const dy = inputOf(args, 'dy'), x = inputOf(args, 'input');
    const backend = cpuBackendOf(args);
    if (x.shape.length !== 4 || !isFloat32(backend, [dy, x])) return original(args);
    const info = poolInfo(x.shape, args.attrs as unknown as PoolAttrs);
    if (!usable(info) || info.outShape.some((d, i) => d !== dy.shape[i])) return original(args);
    const dx = outputFloat32(sizeOf(x.shape));
    if (kind === 0) addon.maxPoolGrad(poolGeometry(info), valuesOf(backend, x), valuesOf(backend, dy), dx);
    else addon.avgPoolGrad(poolGeometry(info), valuesOf(backend, dy), dx);
    return out(args, x.shape, dx);
  },
});

/** The native step kernels over a loaded addon. */
export const nativeStepKernels = (addon: CpuNativeAddon): readonly FastKernel[] =>
  [
    relu,
    reluBackward,
    add,
    weightedSum,
    weightedSumWeightGrad,
    batchNormTrain,
    batchNormTrainGrad,
    pool(tf.MaxPool, 0),
    pool(tf.AvgPool, 1),
    poolGrad(tf.MaxPoolGrad, 0),
    poolGrad(tf.AvgPoolGrad, 1),
  ].map((k) => k(addon));
