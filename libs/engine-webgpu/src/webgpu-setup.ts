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


let started: WebgpuEngine | undefined;

/**
 * Starts the webgpu engine: loads Dawn, installs `navigator.gpu` and the WebGPU globals BEFORE the tfjs webgpu
 * backend is loaded (it checks `navigator.gpu` when imported), selects the backend, turns device errors into throws
 * and registers our webgpu kernels. A second call only switches the table layout (the backend and its device stay).
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
  const dawn = await startDawn(o.dawnFlags ?? []);
  if (!dawn.ok) throw new WebgpuUnavailableError(`webgpu engine: ${dawn.problem}`);
  Object.assign(globalThis, dawn.dawn.globals);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: dawn.gpu }, configurable: true, writable: true });
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    throw new WebgpuUnavailableError(`webgpu engine: @tensorflow/tfjs-backend-webgpu did not load: ${errorLine(e)}`);
  }
  registerWebgpuKernels(lutLayout);
  const ok = await tf.setBackend('webgpu').catch(() => false);
  if (!ok) throw new WebgpuUnavailableError('webgpu engine: tf.setBackend("webgpu") failed (the adapter could not create a device)');
  await tf.ready();
  const backend = tf.backend() as unknown as { device: Parameters<typeof guardDeviceErrors>[0] } & Parameters<typeof guardDeviceErrors>[1];
  guardDeviceErrors(backend.device, backend);
  started = { adapter: adapterLabel(dawn.description), description: dawn.description, lutLayout };
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
