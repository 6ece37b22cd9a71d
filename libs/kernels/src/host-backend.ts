import type { TensorInfo } from '@tensorflow/tfjs-core';

/** What the host-memory kernels use of a tfjs backend (cpu, or tensorflow reading back to the host). */
export interface HostBackend {
  readSync: (dataId: object) => unknown;
  makeTensorInfo: (shape: number[], dtype: 'float32', values: Float32Array) => TensorInfo;
}

/** The float32 values of a tensor on a host backend. */
export const hostValues = (backend: HostBackend, t: TensorInfo): Float32Array => backend.readSync(t.dataId) as Float32Array;
