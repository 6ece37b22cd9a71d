import { createRequire } from 'node:module';

/** What a probe found: usable or not, and why. Probes never throw. */
export interface ProbeResult {
  readonly name: string;
  readonly available: boolean;
  readonly detail: string;
}

const require = createRequire(import.meta.url);

const message = (e: unknown): string => (e instanceof Error ? e.message.split('\n')[0] ?? e.message : String(e));

/** glibc version of this process, or undefined on musl/non-Linux. Dawn for Node needs >= 2.38. */
export const glibcVersion = (): string | undefined => {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime;
};

/** Whether dotted version `v` is at least `min` (major.minor). */
export const versionAtLeast = (v: string, min: string): boolean => {
  const [a = 0, b = 0] = v.split('.').map(Number);
  const [c = 0, d = 0] = min.split('.').map(Number);
  return a > c || (a === c && b >= d);
};

/** The embedded engine: tfjs's TypeScript backend. */
export const probeCpu = async (): Promise<ProbeResult> => {
  try {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const ok = await tf.setBackend('cpu');
    return { name: 'cpu', available: ok, detail: ok ? `tfjs-core ${tf.version_core}` : 'setBackend(cpu) returned false' };
  } catch (e) {
    return { name: 'cpu', available: false, detail: message(e) };
  }
};

/** Dawn for Node: needs the optional `webgpu` package, glibc >= 2.38, a Vulkan driver and an adapter. */
export const probeWebgpu = async (): Promise<ProbeResult> => {
  const glibc = glibcVersion();
  if (glibc !== undefined && !versionAtLeast(glibc, '2.38'))
    return { name: 'webgpu', available: false, detail: `glibc ${glibc} < 2.38 required by Dawn for Node` };
  try {
    require.resolve('@tensorflow/tfjs-backend-webgpu');
  } catch {
    return { name: 'webgpu', available: false, detail: '@tensorflow/tfjs-backend-webgpu is not installed' };
  }
  try {
    const dawn = require('webgpu') as { create: (flags: readonly string[]) => { requestAdapter: () => Promise<unknown> } };
    const adapter = await dawn.create([]).requestAdapter();
    if (adapter === null || adapter === undefined) return { name: 'webgpu', available: false, detail: 'Dawn loaded but found no GPU adapter (no Vulkan driver?)' };
    const info = (adapter as { info?: { vendor?: string; architecture?: string; description?: string } }).info;
    return { name: 'webgpu', available: true, detail: `adapter ${[info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'found'}` };
  } catch (e) {
    return { name: 'webgpu', available: false, detail: `Dawn (webgpu package) did not load: ${message(e)}` };
  }
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
      return { name: 'tensorflow', available: false, detail: `${pkg} is installed but did not load: ${message(e)}` };
    }
  }
  return { name: 'tensorflow', available: false, detail: 'neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed' };
};

/** gpu.js, the independent reference implementation: which mode it would run in here. */
export const probeGpuJs = async (): Promise<ProbeResult> => {
  try {
    const mod = (await import('gpu.js')) as unknown as { GPU: new (o?: object) => { mode: string; destroy: () => void } };
    const gpu = new mod.GPU({ mode: 'cpu' });
    const mode = gpu.mode;
    gpu.destroy();
    return { name: 'gpu.js', available: true, detail: `mode '${mode}' (reference runs on the CPU here)` };
  } catch (e) {
    return { name: 'gpu.js', available: false, detail: message(e) };
  }
};

/** All engine probes, in the order engines are preferred for display. */
export const probeEngines = async (): Promise<readonly ProbeResult[]> =>
  Promise.all([probeCpu(), probeWebgpu(), probeTensorflow()]);
