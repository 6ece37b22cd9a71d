import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { BatchNormTrain, BatchNormTrainGrad, type BatchNormTrainAttrs } from './batch-norm-names';
import { hostValues, type HostBackend } from './host-backend';

const f = Math.fround;

/** Per-channel sums in float64 of `values` (channel = flat index % channels), or of values * (other - center[c]). */
const channelSums = (values: Float32Array, channels: number, other?: { readonly values: Float32Array; readonly center: ArrayLike<number> }): Float64Array => {
  const sums = new Float64Array(channels);
  if (other === undefined) {
    for (let i = 0, c = 0; i < values.length; i++, c = c + 1 === channels ? 0 : c + 1) sums[c] = (sums[c] as number) + (values[i] as number);
    return sums;
  }
  const [o, center] = [other.values, other.center];
  for (let i = 0, c = 0; i < values.length; i++, c = c + 1 === channels ? 0 : c + 1) sums[c] = (sums[c] as number) + (values[i] as number) * ((o[i] as number) - (center[c] as number));
  return sums;
};

/** `BatchNormTrain` on host memory (batch-norm-names.ts): one pass for the mean, one for the variance, one to normalize. */
export const batchNormTrainCpuConfig = (backendName: string): KernelConfig => ({
  kernelName: BatchNormTrain,
  backendName,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, runningMean, runningVar, gamma, beta } = inputs as Record<'x' | 'runningMean' | 'runningVar' | 'gamma' | 'beta', TensorInfo>;
    const { epsilon, momentum } = attrs as unknown as BatchNormTrainAttrs;
    const host = backend as unknown as HostBackend;
    const xs = hostValues(host, x);
    const channels = x.shape[x.shape.length - 1] as number;
    const n = xs.length / channels;
    const sums = channelSums(xs, channels);
    const mean = Float32Array.from(sums, (s) => s / n);
    const squares = new Float64Array(channels);
    for (let i = 0, c = 0; i < xs.length; i++, c = c + 1 === channels ? 0 : c + 1) squares[c] = (squares[c] as number) + ((xs[i] as number) - (mean[c] as number)) ** 2;
    const variance = Float32Array.from(squares, (s) => s / n);
    const invStd = Float32Array.from(variance, (v) => 1 / Math.sqrt(f(v + epsilon)));
    const affine = gamma.shape[0] === channels;
    const g = affine ? hostValues(host, gamma) : undefined;
    const b = affine ? hostValues(host, beta) : undefined;
    const y = new Float32Array(xs.length);
    for (let i = 0, c = 0; i < xs.length; i++, c = c + 1 === channels ? 0 : c + 1) {
      const normalized = f(f((xs[i] as number) - (mean[c] as number)) * (invStd[c] as number));
      y[i] = g !== undefined && b !== undefined ? f(f(normalized * (g[c] as number)) + (b[c] as number)) : normalized;
    }
    const rm = hostValues(host, runningMean);
    const rv = hostValues(host, runningVar);
    const unbiased = f((momentum * n) / Math.max(n - 1, 1));
    const updatedMean = Float32Array.from(mean, (m, c) => f(f((rm[c] as number) * f(1 - momentum)) + f(m * momentum)));
    const updatedVar = Float32Array.from(variance, (v, c) => f(f((rv[c] as number) * f(1 - momentum)) + f(v * unbiased)));
    const stats = new Float32Array(5 * channels);
    [mean, invStd, updatedMean, updatedVar, g ?? new Float32Array(channels).fill(1)].forEach((row, r) => stats.set(row, r * channels));
    return [
      host.makeTensorInfo([...x.shape], 'float32', y),
      host.makeTensorInfo([5, channels], 'float32', stats),
      host.makeTensorInfo([channels], 'float32', updatedMean),
      host.makeTensorInfo([channels], 'float32', updatedVar),
    ];
  },
});

/** `BatchNormTrainGrad` on host memory: the per-channel sums of dy and dy * xhat, then dx element by element. */
export const batchNormTrainGradCpuConfig = (backendName: string): KernelConfig => ({
  kernelName: BatchNormTrainGrad,
  backendName,
  kernelFunc: ({ inputs, backend }) => {
    const { dy, x, stats } = inputs as Record<'dy' | 'x' | 'stats', TensorInfo>;
    const host = backend as unknown as HostBackend;
    const [dys, xs, st] = [hostValues(host, dy), hostValues(host, x), hostValues(host, stats)];
    const channels = x.shape[x.shape.length - 1] as number;
    const n = xs.length / channels;
    const sumDy = channelSums(dys, channels);
    const sumDyCentered = channelSums(dys, channels, { values: xs, center: st });
    const sumDyXhat = Float64Array.from(sumDyCentered, (s, c) => s * (st[channels + c] as number));
    // dx = scale * (dy - sum dy / n - xhat * sum(dy xhat) / n), per channel an affine function of dy and x.
    const scale = Float64Array.from({ length: channels }, (_, c) => (st[4 * channels + c] as number) * (st[channels + c] as number));
    const perX = Float64Array.from({ length: channels }, (_, c) => ((st[channels + c] as number) * (sumDyXhat[c] as number)) / n);
    const offset = Float64Array.from({ length: channels }, (_, c) => (sumDy[c] as number) / n - (st[c] as number) * (perX[c] as number));
    const dx = new Float32Array(xs.length);
    for (let i = 0, c = 0; i < xs.length; i++, c = c + 1 === channels ? 0 : c + 1)
      dx[i] = (scale[c] as number) * ((dys[i] as number) - (xs[i] as number) * (perX[c] as number) - (offset[c] as number));
    const sums = new Float32Array(2 * channels);
    sums.set(sumDy, 0);
    sums.set(sumDyXhat, channels);
    return [host.makeTensorInfo([...x.shape], 'float32', dx), host.makeTensorInfo([2, channels], 'float32', sums)];
  },
});
