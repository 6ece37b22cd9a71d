import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { GpuBackend } from './gpu-backend';
import { rangeProgram, rangeUniforms, rangeWorkgroup } from './range-program';

// Enough partial workgroups to fill the GPU on a batch of activations, few enough for one finishing workgroup.
const maxPartials = 256;
const rowsPerThread = 8;

/**
 * `[channels, 2]` float32 (min, max) of `values` (channel = flat index % channels), reduced on the GPU:
 * one pass for small tensors, a partial pass plus a finishing pass for large ones.
 */
export const gpuRange = (backend: GpuBackend, values: TensorInfo, channels: number): TensorInfo => {
  const size = values.shape.reduce((a, b) => a * b, 1);
  const rows = size / channels;
  const partials = Math.min(maxPartials, Math.max(1, Math.ceil(rows / (rangeWorkgroup * rowsPerThread))));
  const flat = { ...values, shape: [size] };
  const first = backend.runWebGPUProgram(rangeProgram({ rows, channels, partials, pairs: false }), [flat], 'float32', rangeUniforms({ rows, channels, partials }));
  if (partials === 1) return { ...first, shape: [channels, 2] };
  const second = backend.runWebGPUProgram(rangeProgram({ rows: partials, channels, partials: 1, pairs: true }), [first], 'float32', rangeUniforms({ rows: partials, channels, partials: 1 }));
  backend.disposeData(first.dataId);
  return { ...second, shape: [channels, 2] };
};
