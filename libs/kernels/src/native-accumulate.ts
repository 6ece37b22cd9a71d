import type { ConvGeometry } from '@approx-darts/approx-conv';
import { loadCpuNative, nativeLutAccumulate } from '@approx-darts/cpu-native';
import type { Accumulated } from './fast-accumulate';
import { scratchInt32 } from './kernel-scratch';

/**
 * The LUT accumulation on the native addon's threads when it is built, else undefined (the caller runs TypeScript).
 * The accumulations live in kernel-scratch.ts buffers: valid until the next accumulation.
 */
export const nativeAccumulate = (g: ConvGeometry, x: Uint8Array, w: Uint8Array, padCode: number, table: Uint16Array): Accumulated | undefined => {
  const loaded = loadCpuNative();
  return loaded.ok ? nativeLutAccumulate(loaded.addon, g, x, w, padCode, table, (name, n) => scratchInt32(`lut-${name}`, n)) : undefined;
};
