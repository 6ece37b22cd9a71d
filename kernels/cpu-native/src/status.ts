import { loadCpuNative } from './native';
import { nativeLutPath } from './lut';

/** Whether the native cpu kernels are built and loaded, and why not. */
export interface CpuNativeStatus {
  readonly built: boolean;
  readonly detail: string;
  /** Built only: which accumulation the approximate convolution takes and why, e.g. 'byte shuffles: the CPU has AVX-512 VBMI'. */
  readonly lutPath?: string;
}

/**
 * e.g. `{ built: true, detail: 'oneDNN 2.6.3, 2 threads (OpenMP)', lutPath: 'gathers: the CPU has no AVX-512 VBMI for byte shuffles' }` or
 * `{ built: false, detail: 'unavailable: oneDNN not found (install libdnnl-dev)' }`; never throws.
 */
export const cpuNativeStatus = (): CpuNativeStatus => {
  const loaded = loadCpuNative();
  if (!loaded.ok) return { built: false, detail: `unavailable: ${loaded.reason}` };
  try {
    return { built: true, detail: loaded.status.detail, lutPath: nativeLutPath(loaded.addon).reason };
  } catch (e) {
    return { built: true, detail: loaded.status.detail, lutPath: `unknown: ${e instanceof Error ? e.message : String(e)}` };
  }
};
