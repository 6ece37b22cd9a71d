import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { WeightedSum, WeightedSumWeightGrad, type WeightedSumAttrs, type WeightedSumWeightGradAttrs } from './weighted-sum-names';
import { hostValues, type HostBackend } from './host-backend';

/**
 * `WeightedSum` on host memory (weighted-sum-names.ts). Each product and each partial sum is rounded to float32 in the
 * order the unfused Multiply + AddN rounded them, so the cpu engine's sums are bit for bit what they were.
 */
export const weightedSumCpuConfig = (backendName: string): KernelConfig => ({
  kernelName: WeightedSum,
  backendName,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const [weights, ...xs] = inputs as unknown as TensorInfo[];
    const { indices } = attrs as unknown as WeightedSumAttrs;
    const host = backend as unknown as HostBackend;
    const w = hostValues(host, weights as TensorInfo);
    const first = xs[0] as TensorInfo;
    const out = new Float32Array(first.shape.reduce((a, b) => a * b, 1));
    xs.forEach((x, j) => {
      const values = hostValues(host, x);
      const scale = w[indices[j] as number] as number;
      // The product rounded to float32 first, then the sum (stored into the Float32Array, so rounded again).
      for (let i = 0; i < values.length; i++) out[i] = (out[i] as number) + Math.fround((values[i] as number) * scale);
    });
    return host.makeTensorInfo([...first.shape], 'float32', out);
  },
});

/** `WeightedSumWeightGrad` on host memory: one float64 dot product of dy with each candidate. */
export const weightedSumWeightGradCpuConfig = (backendName: string): KernelConfig => ({
  kernelName: WeightedSumWeightGrad,
  backendName,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const [dy, ...xs] = inputs as unknown as TensorInfo[];
    const { indices, weightsShape } = attrs as unknown as WeightedSumWeightGradAttrs;
    const host = backend as unknown as HostBackend;
    const d = hostValues(host, dy as TensorInfo);
    const sums = new Float64Array(weightsShape.reduce((a, b) => a * b, 1));
    xs.forEach((x, j) => {
      const values = hostValues(host, x);
      let dot = 0;
      for (let i = 0; i < values.length; i++) dot += (d[i] as number) * (values[i] as number);
      const at = indices[j] as number;
      sums[at] = (sums[at] as number) + dot;
    });
    return host.makeTensorInfo([...weightsShape], 'float32', Float32Array.from(sums));
  },
});
