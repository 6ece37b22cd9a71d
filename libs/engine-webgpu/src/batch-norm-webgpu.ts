import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { BatchNormTrain, BatchNormTrainGrad, type BatchNormTrainAttrs } from '@approx-darts/kernels';
import { batchNormApplyProgram, batchNormGradDxProgram, batchNormGradSumsProgram, batchNormStatsProgram, rowProgram } from './batch-norm-program';
import type { GpuBackend } from './gpu-backend';

const channelsOf = (x: TensorInfo): number => x.shape[x.shape.length - 1] as number;
const sizeOf = (x: TensorInfo): number => x.shape.reduce((a, b) => a * b, 1);

/**
 * `BatchNormTrain` on webgpu: the statistics (one reduction), the normalization, and the two running rows copied out
 * as `[C]` tensors: four programs where the op-by-op composition dispatched about fifteen. Gamma and beta are bound
 * only when present (Dawn rejects a zero-size buffer).
 */
export const batchNormTrainWebgpuConfig: KernelConfig = {
  kernelName: BatchNormTrain,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, runningMean, runningVar, gamma, beta } = inputs as Record<'x' | 'runningMean' | 'runningVar' | 'gamma' | 'beta', TensorInfo>;
    const { epsilon, momentum } = attrs as unknown as BatchNormTrainAttrs;
    const gpu = backend as unknown as GpuBackend;
    const channels = channelsOf(x);
    const rows = sizeOf(x) / channels;
    const affine = gamma.shape[0] === channels;
    const stats = gpu.runWebGPUProgram(batchNormStatsProgram(channels, affine), affine ? [x, runningMean, runningVar, gamma] : [x, runningMean, runningVar], 'float32', [
      { type: 'int32', data: [rows] },
      { type: 'int32', data: [channels] },
      { type: 'float32', data: [epsilon] },
      { type: 'float32', data: [momentum] },
      { type: 'float32', data: [(momentum * rows) / Math.max(rows - 1, 1)] },
    ]);
    const y = gpu.runWebGPUProgram(batchNormApplyProgram(x.shape, affine), affine ? [x, stats, beta] : [x, stats], 'float32', [{ type: 'int32', data: [channels] }]);
    const mean = gpu.runWebGPUProgram(rowProgram(channels, 2), [stats], 'float32');
    const variance = gpu.runWebGPUProgram(rowProgram(channels, 3), [stats], 'float32');
    return [{ ...y, shape: [...x.shape] }, stats, mean, variance];
  },
};

/** `BatchNormTrainGrad` on webgpu: the per-channel sums, then dx: two programs. */
export const batchNormTrainGradWebgpuConfig: KernelConfig = {
  kernelName: BatchNormTrainGrad,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend }) => {
    const { dy, x, stats } = inputs as Record<'dy' | 'x' | 'stats', TensorInfo>;
    const gpu = backend as unknown as GpuBackend;
    const channels = channelsOf(x);
    const rows = sizeOf(x) / channels;
    const sums = gpu.runWebGPUProgram(batchNormGradSumsProgram(channels), [dy, x, stats], 'float32', [
      { type: 'int32', data: [rows] },
      { type: 'int32', data: [channels] },
    ]);
    const dx = gpu.runWebGPUProgram(batchNormGradDxProgram(x.shape), [dy, x, stats, sums], 'float32', [
      { type: 'int32', data: [channels] },
      { type: 'int32', data: [rows] },
    ]);
    return [{ ...dx, shape: [...x.shape] }, sums];
  },
};
