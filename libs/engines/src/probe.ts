import { createRequire } from 'node:module';
import { adapterLabel, errorLine, loadWebgpuBackend } from '@approx-darts/engine-webgpu';

/** What a probe found: usable or not, and why. Probes never throw. */
export interface ProbeResult {
  readonly name: string;
  readonly available: boolean;
  readonly detail: string;
  /** The engine runs, but emulated on the CPU (a software Vulkan driver): `auto` prefers another. */
  readonly software?: boolean;
}

const require = createRequire(import.meta.url);


/** The embedded engine: tfjs's TypeScript backend. */
export const probeCpu = async (): Promise<ProbeResult> => {
  try {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const ok = await tf.setBackend('cpu');
    return { name: 'cpu', available: ok, detail: ok ? `tfjs-core ${tf.version_core}` : 'setBackend(cpu) returned false' };
  } catch (e) {
    return { name: 'cpu', available: false, detail: errorLine(e) };
  }
};

/**
 * Dawn for Node: glibc, the Vulkan loader and a driver (SwiftShader's when no other is configured), an adapter, which
 * the detail names, and the optional tfjs-backend-webgpu loaded over it. `software` marks a CPU adapter, which `auto`
 * passes over. Dawn is started once per process (`loadWebgpuBackend`), so activating the engine after this probe
 * reuses its instance.
 */
export const probeWebgpu = async (): Promise<ProbeResult> => {
  const load = await loadWebgpuBackend();
  if (!load.ok) return { name: 'webgpu', available: false, detail: load.problem };
  return { name: 'webgpu', available: true, detail: `adapter ${adapterLabel(load.description)}`, software: load.description.software };
};

/** tfjs-node(-gpu): only where a user could install it (its install downloads libtensorflow). */
export const probeTensorflow = async (): Promise<ProbeResult> => {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    let path: string;
    try {
      path = require.resolve(pkg);
    } catch {
      continue;
    }
    try {
      require(path);
      return { name: 'tensorflow', available: true, detail: `${pkg} loaded` };
    } catch (e) {
      return { name: 'tensorflow', available: false, detail: `${pkg} is installed but did not load: ${errorLine(e)}` };
    }
  }
  return { name: 'tensorflow', available: false, detail: 'neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed' };
};

/** All engine probes, in the order engines are preferred for display. */
export const probeEngines = async (): Promise<readonly ProbeResult[]> =>
  Promise.all([probeCpu(), probeWebgpu(), probeTensorflow()]);
