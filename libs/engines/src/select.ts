import * as t from 'io-ts';
import { registerApproxKernels } from '@approx-darts/kernels';
import { registerFastCpuKernels, registerNativeCpuKernels } from '@approx-darts/engine-cpu';
import { setupWebgpu } from '@approx-darts/engine-webgpu';
import { probeCpu, probeTensorflow, probeWebgpu, type ProbeResult } from './probe';

/** Engine names as the CLI spells them; `auto` picks the first that loads. */
export const EngineName = t.keyof({ auto: null, cpu: null, webgpu: null, tensorflow: null }, 'EngineName');
export type EngineName = t.TypeOf<typeof EngineName>;

/** The engine a run got, and how its approximate kernels run there. */
export interface EngineInfo {
  readonly name: 'cpu' | 'webgpu' | 'tensorflow';
  /** The tfjs backend now active. */
  readonly backend: string;
  readonly detail: string;
  /** Where ApproxConv2D / ApproxDepthwiseConv2D run on this engine. */
  readonly approxKernels: string;
}

/** An explicitly requested engine that cannot load here; the message carries the probe's reason. */
export class EngineUnavailableError extends Error {
  override readonly name = 'EngineUnavailableError';
}

const activate = async (probe: ProbeResult): Promise<EngineInfo> => {
  const tf = await import('@tensorflow/tfjs-core');
  // PROD only silences tfjs's console notices (e.g. the cpu backend's "install tfjs-node" banner, which is wrong
  // advice here: that package cannot be installed without network access); it changes no computation.
  tf.env().set('PROD', true);
  registerApproxKernels();
  switch (probe.name) {
    case 'tensorflow': {
      await tf.setBackend('tensorflow');
      return { name: 'tensorflow', backend: tf.getBackend(), detail: probe.detail, approxKernels: 'TypeScript kernels on host memory (CUDA addon not wired in)' };
    }
    case 'webgpu': {
      // Dawn's navigator.gpu must exist before tfjs-backend-webgpu is imported; setupWebgpu does it in that order.
      const engine = await setupWebgpu().catch((e: unknown) => {
        throw new EngineUnavailableError(e instanceof Error ? e.message : String(e));
      });
      return { name: 'webgpu', backend: tf.getBackend(), detail: engine.adapter, approxKernels: `WGSL (${engine.lutLayout} table, data on the GPU)` };
    }
    default:
      await tf.setBackend('cpu');
      registerFastCpuKernels();
      // the native tier (oneDNN convolutions, threaded LUT) overrides the TypeScript kernels where its addon is built
      const native = registerNativeCpuKernels();
      return native.native
        ? { name: 'cpu', backend: tf.getBackend(), detail: `${probe.detail}; native kernels: ${native.detail}`, approxKernels: `native C++ LUT kernels (${native.detail})` }
        : { name: 'cpu', backend: tf.getBackend(), detail: `${probe.detail}; TypeScript kernels (native addon ${native.detail})`, approxKernels: 'TypeScript kernels (typed arrays)' };
  }
};

const probeOf = (name: Exclude<EngineName, 'auto'>): Promise<ProbeResult> =>
  name === 'tensorflow' ? probeTensorflow() : name === 'webgpu' ? probeWebgpu() : probeCpu();

/**
 * Select and activate a compute engine. `cpu` is the default; `auto` tries tensorflow, then webgpu on a hardware
 * adapter, then cpu. An explicitly named engine that cannot load throws EngineUnavailableError with the probe's reason.
 */
export const selectEngine = async (name: EngineName = 'cpu'): Promise<EngineInfo> => {
  if (name !== 'auto') {
    const probe = await probeOf(name);
    if (!probe.available) throw new EngineUnavailableError(`engine ${name} is not available: ${probe.detail}`);
    return activate(probe);
  }
  for (const candidate of ['tensorflow', 'webgpu'] as const) {
    const probe = await probeOf(candidate);
    // A software adapter (SwiftShader) computes correctly but slower than the cpu engine: only on request.
    if (probe.available && probe.software !== true) return activate(probe);
  }
  const cpu = await probeCpu();
  if (!cpu.available) throw new EngineUnavailableError(`no engine available: cpu failed too: ${cpu.detail}`);
  return activate(cpu);
};
