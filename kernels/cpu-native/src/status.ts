import { loadCpuNative } from './native';

/** Whether the native cpu kernels are built and loaded, and why not. */
export interface CpuNativeStatus {
  readonly built: boolean;
  readonly detail: string;
}

/**
 * e.g. `{ built: true, detail: 'oneDNN 2.6.3, 2 threads (OpenMP)' }` or `{ built: false, detail: 'unavailable: oneDNN not found (install libdnnl-dev)' }`;
 * never throws.
 */
export const cpuNativeStatus = (): CpuNativeStatus => {
  const loaded = loadCpuNative();
  return loaded.ok ? { built: true, detail: loaded.status.detail } : { built: false, detail: `unavailable: ${loaded.reason}` };
};
