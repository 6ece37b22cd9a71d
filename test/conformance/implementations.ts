import type { AccumulateFn } from '@approx-darts/approx-conv';
import { fastAccumulate, gpuJsAccumulate } from '@approx-darts/backend';
import { accumulateOnCuda, addonStatus, cudaAccumulate } from '@approx-darts/cuda-lut';

/** One implementation of the integer core under test; `unavailable()` returns why it cannot run here, if so. */
export interface Implementation {
  readonly name: string;
  readonly unavailable: () => string | undefined;
  readonly accumulate: AccumulateFn;
}

export const implementations: readonly Implementation[] = [
  { name: 'typescript', unavailable: () => undefined, accumulate: fastAccumulate },
  { name: 'gpu.js', unavailable: () => undefined, accumulate: gpuJsAccumulate },
  { name: 'cuda', unavailable: () => (cudaAccumulate === undefined ? addonStatus().detail : undefined), accumulate: (g, x, w, padCode, table) => accumulateOnCuda(g, x, w, padCode, table) },
  // wgsl: append the WebGPU implementation here when it exists.
];
