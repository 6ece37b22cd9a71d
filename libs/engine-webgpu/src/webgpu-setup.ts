import * as tf from '@tensorflow/tfjs-core';
import { adapterLabel, startDawn, type AdapterDescription } from './dawn';
import { guardDeviceErrors } from './device-errors';
import { registerWebgpuKernels } from './register';
import type { LutLayout } from './lut-conv-program';
import { errorLine } from './error-line';

/** Why the webgpu engine cannot start here; the message is meant for the user as is. */
export class WebgpuUnavailableError extends Error {
  override readonly name = 'WebgpuUnavailableError';
}

/** What a started webgpu engine runs on. */
export interface WebgpuEngine {
  readonly adapter: string;
  readonly description: AdapterDescription;
  readonly lutLayout: LutLayout;
}


/** Dawn started and tfjs-backend-webgpu loaded over it, or the sentence saying why not. */
export type WebgpuBackendLoad = { readonly ok: true; readonly description: AdapterDescription } | { readonly ok: false; readonly problem: string };

let loading: Promise<WebgpuBackendLoad> | undefined;

const notInstalled = (e: unknown): boolean => {
  const code = (e as { code?: string }).code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
};

/**
 * Starts Dawn and loads tfjs-backend-webgpu over it, once per process (later calls get the first outcome; the flags
 * of later calls are ignored). `navigator.gpu` and the WebGPU globals are installed BEFORE the backend package is
 * imported, since it decides at import whether to register itself. Whether the package is there is learnt by
 * importing it, not by resolving its name: a bundle inlines it and has no node_modules to resolve in. Never throws;
 * selects no backend.
 */
export const loadWebgpuBackend = (dawnFlags: readonly string[] = []): Promise<WebgpuBackendLoad> => {
  loading ??= (async (): Promise<WebgpuBackendLoad> => {
    const dawn = await startDawn(dawnFlags);
    if (!dawn.ok) return dawn;
    Object.assign(globalThis, dawn.dawn.globals);
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: dawn.gpu }, configurable: true, writable: true });
    try {
      await import('@tensorflow/tfjs-backend-webgpu');
    } catch (e) {
      return { ok: false, problem: notInstalled(e) ? '@tensorflow/tfjs-backend-webgpu is not installed' : `@tensorflow/tfjs-backend-webgpu did not load: ${errorLine(e)}` };
    }
    return { ok: true, description: dawn.description };
  })();
  return loading;
};

let started: WebgpuEngine | undefined;

/**
 * Starts the webgpu engine: Dawn and the tfjs webgpu backend (`loadWebgpuBackend`), then selects the backend, turns
 * device errors into throws and registers our webgpu kernels. A second call only switches the table layout (the
 * backend and its device stay).
 * Throws `WebgpuUnavailableError` with the reason (old glibc, no Vulkan loader or driver, package missing, no adapter).
 * @example const engine = await setupWebgpu(); // { adapter: 'nvidia hopper NVIDIA H200', lutLayout: 'packed', ... }
 */
export const setupWebgpu = async (o: { readonly lutLayout?: LutLayout; readonly dawnFlags?: readonly string[] } = {}): Promise<WebgpuEngine> => {
  const lutLayout = o.lutLayout ?? 'packed';
  if (started !== undefined) {
    registerWebgpuKernels(lutLayout);
    if (!(await tf.setBackend('webgpu'))) throw new WebgpuUnavailableError('webgpu engine: tf.setBackend("webgpu") failed');
    started = { ...started, lutLayout };
    return started;
  }
  const load = await loadWebgpuBackend(o.dawnFlags ?? []);
  if (!load.ok) throw new WebgpuUnavailableError(`webgpu engine: ${load.problem}`);
  registerWebgpuKernels(lutLayout);
  const ok = await tf.setBackend('webgpu').catch(() => false);
  if (!ok) throw new WebgpuUnavailableError('webgpu engine: tf.setBackend("webgpu") failed (the adapter could not create a device)');
  await tf.ready();
  const backend = tf.backend() as unknown as { device: Parameters<typeof guardDeviceErrors>[0] } & Parameters<typeof guardDeviceErrors>[1];
  guardDeviceErrors(backend.device, backend);
  started = { adapter: adapterLabel(load.description), description: load.description, lutLayout };
  return started;
};

/**
 * Dawn keeps the event loop alive while `navigator.gpu` is referenced: drop it and exit explicitly.
 * @example exitWebgpu(0)
 */
export const exitWebgpu = (code: number): never => {
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (nav !== undefined) delete nav.gpu;
  process.exit(code);
};
