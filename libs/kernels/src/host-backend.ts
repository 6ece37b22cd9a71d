import type { TensorInfo } from '@tensorflow/tfjs-core';

/** What the host-memory kernels use of a tfjs backend (cpu, or tensorflow reading back to the host). */
export interface HostBackend {
  readSync: (dataId: object) => unknown;
  makeTensorInfo: (shape: number[], dtype: 'float32', values: Float32Array) => TensorInfo;
}

/**
 * The float32 values of a tensor on a host backend. On the cpu backend, the stored array itself from its data map: a
 * kernel only reads its inputs, and reading through readSync would mark the array as seen outside (output-pool.ts).
 */
export const hostValues = (backend: HostBackend, t: TensorInfo): Float32Array => {
  const stored = (backend as { data?: { get?: (dataId: object) => { values?: unknown } | undefined } }).data?.get?.(t.dataId)?.values;
  return (stored instanceof Float32Array ? stored : backend.readSync(t.dataId)) as Float32Array;
};
