import type { ConvGeometry } from '@approx-darts/approx-conv';
import { fastAccumulateWithSums, type Accumulated } from './fast-accumulate';
import { nativeAccumulate } from './native-accumulate';

// Kept on the calling thread on purpose. Measured on this project's 2-core machine (shared, batch 16): splitting the
// batch over a worker_threads worker (SharedArrayBuffer operands, Atomics.wait) sped the accumulation up only
// 1.07-1.17x (depthwise 3x3 C16 32x32: 16.7 -> 15.4 ms; pointwise C32 16x16: 16.0 -> 13.7 ms; depthwise 5x5 C64 8x8:
// 10.1 -> 9.4 ms), before counting the copies into shared memory and a worker loader that must work under both tsx
// and vite. Not worth it on 2 busy cores in JavaScript; the threads come from the native addon instead
// (kernels/cpu-native/src/native/lut_accumulate.cc, OpenMP by output rows) where it is built.
export const accumulateParallel = (g: ConvGeometry, x: Uint8Array, w: Uint8Array, padCode: number, table: Uint16Array): Accumulated =>
  nativeAccumulate(g, x, w, padCode, table) ?? fastAccumulateWithSums(g, x, w, padCode, table);
