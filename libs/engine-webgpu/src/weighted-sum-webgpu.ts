import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { WeightedSum, WeightedSumWeightGrad, type WeightedSumAttrs, type WeightedSumWeightGradAttrs } from '@approx-darts/kernels';
import type { GpuBackend } from './gpu-backend';
import { maxProgramInputs, weightedSumProgram, weightedSumWeightGradProgram } from './weighted-sum-program';

const sizeOf = (x: TensorInfo): number => x.shape.reduce((a, b) => a * b, 1);

/**
 * Runs `program(k, accumulate)` over the candidates in chunks that fit the 7 bindings: the first chunk reads `fixed`
 * (the weights, or dy) and up to 6 candidates, each later one the running result too and up to 5 more.
 */
const chained = (
  gpu: GpuBackend,
  fixed: TensorInfo,
  xs: readonly TensorInfo[],
  indices: readonly number[],
  program: (k: number, accumulate: boolean) => Parameters<GpuBackend['runWebGPUProgram']>[0],
  extraUniforms: readonly { type: string; data: number[] }[],
): TensorInfo => {
  let acc: TensorInfo | undefined;
  for (let start = 0; start < xs.length; ) {
    const room = maxProgramInputs - 1 - (acc === undefined ? 0 : 1);
    const chunk = xs.slice(start, start + room);
    const uniforms = [...extraUniforms, ...chunk.map((_, j) => ({ type: 'int32', data: [indices[start + j] as number] }))];
    const next = gpu.runWebGPUProgram(program(chunk.length, acc !== undefined), [...(acc === undefined ? [] : [acc]), fixed, ...chunk], 'float32', uniforms);
    if (acc !== undefined) gpu.disposeData(acc.dataId);
    acc = next;
    start += chunk.length;
  }
  if (acc === undefined) throw new Error('WeightedSum: no candidates');
  return acc;
};

/** `WeightedSum` on webgpu: one program per 6 candidates (weighted-sum-program.ts), the data on the GPU. */
export const weightedSumWebgpuConfig: KernelConfig = {
  kernelName: WeightedSum,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const [weights, ...xs] = inputs as unknown as TensorInfo[];
    const { indices } = attrs as unknown as WeightedSumAttrs;
    const first = xs[0] as TensorInfo;
    const out = chained(backend as unknown as GpuBackend, weights as TensorInfo, xs, indices, (k, acc) => weightedSumProgram(sizeOf(first), k, acc), []);
    return { ...out, shape: [...first.shape] };
  },
};

/** `WeightedSumWeightGrad` on webgpu: one workgroup per weight, one program per 6 candidates. */
export const weightedSumWeightGradWebgpuConfig: KernelConfig = {
  kernelName: WeightedSumWeightGrad,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const [dy, ...xs] = inputs as unknown as TensorInfo[];
    const { indices, weightsShape } = attrs as unknown as WeightedSumWeightGradAttrs;
    const weights = weightsShape.reduce((a, b) => a * b, 1);
    const elements = sizeOf(dy as TensorInfo);
    const out = chained(backend as unknown as GpuBackend, dy as TensorInfo, xs, indices, (k, acc) => weightedSumWeightGradProgram(weights, k, acc), [{ type: 'int32', data: [elements] }]);
    return { ...out, shape: [...weightsShape] };
  },
};
