import type { ConvGeometry } from '@approx-darts/approx-conv';
import { loadCpuNative, nativeLutAccumulate } from '@approx-darts/cpu-native';
import type { Accumulated } from './fast-accumulate';

/** The LUT accumulation on the native addon's threads when it is built, else undefined (the caller runs TypeScript). */
export const nativeAccumulate = (g: ConvGeometry, x: Uint8Array, w: Uint8Array, padCode: number, table: Uint16Array): Accumulated | undefined => {
  const loaded = loadCpuNative();
  return loaded.ok ? nativeLutAccumulate(loaded.addon, g, x, w, padCode, table) : undefined;
};
