import type { ConvGeometry } from '@approx-darts/approx-conv';
import { fastAccumulate } from '@approx-darts/kernels';
import { gpuJsAccumulate } from '@approx-darts/kernels/testing';
import { setupWebgpu, webgpuAccumulate, type LutLayout } from '@approx-darts/engine-webgpu';
import { accumulateOnCuda, addonStatus, cudaAccumulate } from '@approx-darts/cuda-lut';
import { cpuNativeStatus, loadCpuNative, nativeLutAccumulate, nativeLutPath } from '@approx-darts/cpu-native';

/** One implementation of the integer core under test; `unavailable()` resolves to why it cannot run here, if so. */
export interface Implementation {
  readonly name: string;
  readonly unavailable: () => Promise<string | undefined>;
  readonly accumulate: (g: ConvGeometry, x: Uint8Array, w: Uint8Array, padCode: number, table: Uint16Array) => Int32Array | Promise<Int32Array>;
}

// Starting the engine is the only honest probe: it loads Dawn, finds an adapter and selects the backend. In CI the
// webgpu engine must start (SwiftShader is installed by the README's test command), so there a failure is an error.
const webgpu = (layout: LutLayout): Implementation => ({
  name: `webgpu (WGSL, ${layout} table)`,
  unavailable: async () => {
    try {
      await setupWebgpu({ lutLayout: layout });
      return undefined;
    } catch (e) {
      if (process.env['CI'] === 'true') throw e;
      return e instanceof Error ? e.message : String(e);
    }
  },
  accumulate: webgpuAccumulate(layout),
});

// The native cpu addon's threaded C++ loop (kernels/cpu-native), once per accumulation path: vector gathers (any
// CPU) and AVX-512 VBMI byte shuffles; each skipped with its reason where the addon is not built or the CPU lacks VBMI.
const native = (path: 'gather' | 'shuffle'): Implementation => ({
  name: `native C++ (cpu-native, ${path === 'gather' ? 'gathers' : 'byte shuffles'})`,
  unavailable: async () => {
    const loaded = loadCpuNative();
    if (!loaded.ok) return cpuNativeStatus().detail;
    const state = nativeLutPath(loaded.addon, path);
    nativeLutPath(loaded.addon, 'auto');
    return state.path === path ? undefined : state.reason;
  },
  accumulate: (g, x, w, padCode, table) => {
    const loaded = loadCpuNative();
    if (!loaded.ok) throw new Error(loaded.reason);
    // the path is per process: set it for this call, and leave the automatic choice behind
    if (nativeLutPath(loaded.addon, path).path !== path) throw new Error(`the native LUT path ${path} is not available`);
    try {
      return nativeLutAccumulate(loaded.addon, g, x, w, padCode, table).accumulations;
    } finally {
      nativeLutPath(loaded.addon, 'auto');
    }
  },
});

export const implementations: readonly Implementation[] = [
  { name: 'typescript', unavailable: async () => undefined, accumulate: fastAccumulate },
  native('gather'),
  native('shuffle'),
  { name: 'gpu.js', unavailable: async () => undefined, accumulate: gpuJsAccumulate },
  { name: 'cuda', unavailable: async () => (cudaAccumulate === undefined ? addonStatus().detail : undefined), accumulate: (g, x, w, padCode, table) => accumulateOnCuda(g, x, w, padCode, table) },
  webgpu('packed'),
  webgpu('workgroup'),
];
