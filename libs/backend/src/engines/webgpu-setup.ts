import * as tf from '@tensorflow/tfjs-core';
import { glibcVersion, versionAtLeast } from './probe';
import { registerWebgpuKernels } from '../webgpu/register';
import type { LutLayout } from '../webgpu/lut-conv-program';

/** Why the webgpu engine cannot start here; the message is meant for the user as is. */
export class WebgpuUnavailableError extends Error {
  override readonly name = 'WebgpuUnavailableError';
}

/** What a started webgpu engine runs on. */
export interface WebgpuEngine {
  readonly adapter: string;
  readonly lutLayout: LutLayout;
}

interface DawnModule {
  readonly create: (flags: readonly string[]) => { requestAdapter: (o?: object) => Promise<unknown> };
  readonly globals: Record<string, unknown>;
}

const firstLine = (e: unknown): string => (e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : String(e));

// The package name in a variable keeps bundlers from trying to inline Dawn: it is loaded at run time, from
// node_modules or from dist/node_modules next to the single-file bundle.
const dawnPackage = 'webgpu';

const loadDawn = async (): Promise<DawnModule> => {
  const glibc = glibcVersion();
  if (glibc !== undefined && !versionAtLeast(glibc, '2.38'))
    throw new WebgpuUnavailableError(`webgpu engine: Dawn for Node (the 'webgpu' package) needs glibc >= 2.38, this system has glibc ${glibc}; use --engine cpu here, or a newer OS (e.g. Ubuntu 24.04)`);
  try {
    return (await import(dawnPackage)) as DawnModule;
  } catch (e) {
    const msg = firstLine(e);
    if (/Cannot find (package|module) 'webgpu'/.test(msg) || (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND')
      throw new WebgpuUnavailableError(`webgpu engine: the optional package 'webgpu' (Dawn for Node 0.6.2) is not installed; run npm install, or keep dist/node_modules/webgpu next to the bundle`);
    throw new WebgpuUnavailableError(`webgpu engine: Dawn for Node did not load: ${msg}${/libvulkan/.test(msg) ? ' (install the Vulkan loader, libvulkan1)' : ''}`);
  }
};

/**
 * Starts the webgpu engine: loads Dawn, installs `navigator.gpu` and the WebGPU globals BEFORE the tfjs webgpu
 * backend is loaded (it checks `navigator.gpu` when imported), selects the backend and registers the WGSL approximate
 * kernels. Throws `WebgpuUnavailableError` with the reason (old glibc, package missing, no Vulkan driver/adapter).
 * @example const engine = await setupWebgpu(); // { adapter: 'nvidia hopper NVIDIA H200', lutLayout: 'packed' }
 */
export const setupWebgpu = async (o: { readonly lutLayout?: LutLayout; readonly dawnFlags?: readonly string[] } = {}): Promise<WebgpuEngine> => {
  const dawn = await loadDawn();
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create(o.dawnFlags ?? []);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  const adapter = (await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null)) as { info?: Record<string, string> } | null;
  if (adapter === null || adapter === undefined)
    throw new WebgpuUnavailableError('webgpu engine: Dawn loaded but found no GPU adapter (no Vulkan driver? check VK_DRIVER_FILES / VK_ICD_FILENAMES and nvidia_icd.json)');
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    throw new WebgpuUnavailableError(`webgpu engine: @tensorflow/tfjs-backend-webgpu did not load: ${firstLine(e)}`);
  }
  const lutLayout = o.lutLayout ?? 'packed';
  registerWebgpuKernels(lutLayout);
  const ok = await tf.setBackend('webgpu').catch(() => false);
  if (!ok) throw new WebgpuUnavailableError('webgpu engine: tf.setBackend("webgpu") failed (the adapter could not create a device)');
  await tf.ready();
  const info = adapter.info ?? {};
  return { adapter: [info['vendor'], info['architecture'], info['description']].filter(Boolean).join(' ') || 'unknown adapter', lutLayout };
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
