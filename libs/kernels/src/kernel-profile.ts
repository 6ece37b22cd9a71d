import * as tf from '@tensorflow/tfjs-core';

/** Calls of one kernel name and their host time (exclusive of kernels they ran inside themselves). */
export interface KernelTally {
  readonly count: number;
  readonly ms: number;
}

/**
 * What ran between `startKernelProfile()` and its `stop()`: every tfjs kernel the engine ran (the same calls
 * `tf.profile` lists: registered kernels, the Identity clones the tape saves for backward, and custom-gradient
 * scopes), and on engines with a device (webgpu) the GPU programs dispatched and the host-device copies. `null` where
 * the engine has no such thing.
 */
export interface KernelProfile {
  readonly kernels: number;
  readonly dispatches: number | null;
  readonly uploads: number | null;
  readonly downloads: number | null;
  readonly byKernel: Readonly<Record<string, KernelTally>>;
}

// The engine runs every kernel through `runKernelFunc` (ops through `runKernel`, the tape's saved-tensor clones and
// customGrad scopes directly), so wrapping that one instance method sees exactly what tf.profile records, without
// tf.profile's per-kernel timer (on webgpu that ends the compute pass after every program and changes the batching).
interface EngineInternals {
  runKernelFunc: (params: { kernelName?: string }) => unknown;
  state: { activeScope?: { name: string } | null };
}

// tfjs-backend-webgpu 4.x: each dispatched program goes through recordAndSubmit, each buffer that receives host data
// through uploadToGPU (a no-op once the data is on the GPU), and each download through getBufferData.
interface GpuInternals {
  recordAndSubmit: (...args: unknown[]) => unknown;
  uploadToGPU: (dataId: object) => unknown;
  getBufferData: (buffer: unknown) => Promise<unknown>;
  tensorMap: { get: (dataId: object) => { values?: unknown; resource?: unknown } | undefined };
}

const isGpu = (backend: unknown): backend is GpuInternals =>
  typeof backend === 'object' && backend !== null && 'recordAndSubmit' in backend && 'uploadToGPU' in backend && 'getBufferData' in backend;

let active = false;

/**
 * Starts counting the kernels of the current engine; `stop()` restores the engine and returns the counts. One profile
 * at a time (a second start throws): the wrappers are installed on the engine and backend instances.
 * @example const p = startKernelProfile(); step(); const { kernels, byKernel } = p.stop();
 */
export const startKernelProfile = (): { readonly stop: () => KernelProfile } => {
  if (active) throw new Error('startKernelProfile: a kernel profile is already running');
  active = true;
  const engine = tf.engine() as unknown as EngineInternals;
  const backend: unknown = tf.backend();
  const tallies = new Map<string, { count: number; ms: number }>();
  const gpu = { dispatches: 0, uploads: 0, downloads: 0 };
  let kernels = 0;
  // Host time of the kernels running now, innermost last, so a kernel's time excludes the kernels inside it.
  const nested: number[] = [];

  const originalRun = engine.runKernelFunc;
  engine.runKernelFunc = function (this: EngineInternals, params) {
    const name = params.kernelName ?? this.state.activeScope?.name ?? 'customGrad';
    const start = performance.now();
    nested.push(0);
    try {
      return originalRun.call(this, params);
    } finally {
      const total = performance.now() - start;
      const inner = nested.pop() ?? 0;
      if (nested.length > 0) nested[nested.length - 1] = (nested[nested.length - 1] ?? 0) + total;
      const t = tallies.get(name) ?? { count: 0, ms: 0 };
      t.count += 1;
      t.ms += total - inner;
      tallies.set(name, t);
      kernels += 1;
    }
  };

  const restoreGpu: (() => void)[] = [];
  if (isGpu(backend)) {
    const { recordAndSubmit, uploadToGPU, getBufferData } = backend;
    backend.recordAndSubmit = function (this: GpuInternals, ...args: unknown[]) {
      gpu.dispatches += 1;
      return recordAndSubmit.apply(this, args);
    };
    backend.uploadToGPU = function (this: GpuInternals, dataId: object) {
      const data = this.tensorMap.get(dataId);
      if (data !== undefined && data.resource == null && data.values != null) gpu.uploads += 1;
      return uploadToGPU.call(this, dataId);
    };
    backend.getBufferData = function (this: GpuInternals, buffer: unknown) {
      gpu.downloads += 1;
      return getBufferData.call(this, buffer);
    };
    restoreGpu.push(() => {
      backend.recordAndSubmit = recordAndSubmit;
      backend.uploadToGPU = uploadToGPU;
      backend.getBufferData = getBufferData;
    });
  }

  const stop = (): KernelProfile => {
    engine.runKernelFunc = originalRun;
    for (const r of restoreGpu) r();
    active = false;
    const byKernel = Object.fromEntries([...tallies].sort((a, b) => b[1].count - a[1].count).map(([k, v]) => [k, { count: v.count, ms: v.ms }] as const));
    const device = restoreGpu.length > 0;
    return {
      kernels,
      dispatches: device ? gpu.dispatches : null,
      uploads: device ? gpu.uploads : null,
      downloads: device ? gpu.downloads : null,
      byKernel,
    };
  };
  return { stop };
};

/** Adds profiles (several steps) into one; the device counts stay `null` when they were. */
export const sumProfiles = (profiles: readonly KernelProfile[]): KernelProfile => {
  const byKernel = new Map<string, KernelTally>();
  for (const p of profiles)
    for (const [k, v] of Object.entries(p.byKernel)) {
      const t = byKernel.get(k) ?? { count: 0, ms: 0 };
      byKernel.set(k, { count: t.count + v.count, ms: t.ms + v.ms });
    }
  const add = (pick: (p: KernelProfile) => number | null): number | null =>
    profiles.some((p) => pick(p) === null) ? null : profiles.reduce((n, p) => n + (pick(p) ?? 0), 0);
  return {
    kernels: profiles.reduce((n, p) => n + p.kernels, 0),
    dispatches: add((p) => p.dispatches),
    uploads: add((p) => p.uploads),
    downloads: add((p) => p.downloads),
    byKernel: Object.fromEntries([...byKernel].sort((a, b) => b[1].count - a[1].count)),
  };
};

/** The top `n` kernels by count as table rows, for a run's closing summary and the bench. */
export const topKernels = (p: KernelProfile, n: number): readonly { readonly kernel: string; readonly count: number; readonly ms: number }[] =>
  Object.entries(p.byKernel)
    .slice(0, n)
    .map(([kernel, t]) => ({ kernel, count: t.count, ms: t.ms }));
