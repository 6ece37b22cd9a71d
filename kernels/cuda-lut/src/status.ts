import { loadAddon } from './native';

/** Whether the CUDA addon is built and sees a device. */
export interface AddonStatus {
  readonly built: boolean;
  readonly devices: number;
  readonly detail: string;
}

/**
 * "not built: <reason>", "no CUDA device: <CUDA error text>", or the name of device 0; never throws.
 * e.g. `addonStatus()` -> `{ built: true, devices: 0, detail: 'no CUDA device: CUDA driver version is insufficient ...' }`
 */
export const addonStatus = (): AddonStatus => {
  const loaded = loadAddon();
  if (!loaded.ok) return { built: false, devices: 0, detail: `not built: ${loaded.reason}` };
  return { built: true, devices: loaded.status.devices, detail: loaded.status.detail };
};

/** True when the kernels can run here: the addon is built and device 0 exists. */
export const cudaAvailable = (): boolean => addonStatus().devices > 0;
