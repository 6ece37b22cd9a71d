import * as tf from '@tensorflow/tfjs-core';
import { startKernelProfile, sumProfiles, type KernelProfile } from '@approx-darts/kernels';

/** Wraps each training or search step of a run, counting its kernels (`--profile`). */
export interface StepProfiler {
  readonly around: <T>(step: () => Promise<T>) => Promise<T>;
  /** Means per step of every step wrapped so far. */
  readonly result: () => RunProfile;
}

/** `profile.json`: what one step of the run cost, on average over its profiled steps. */
export interface RunProfile {
  readonly engine: string;
  readonly steps: number;
  readonly perStep: {
    readonly kernels: number;
    /** GPU programs dispatched (webgpu); null on engines without them. */
    readonly dispatches: number | null;
    readonly uploads: number | null;
    readonly downloads: number | null;
    readonly seconds: number;
  };
  /** Per step, by kernel name, most called first: calls and host milliseconds (the kernel's own, not its inner ones). */
  readonly byKernel: Readonly<Record<string, { readonly count: number; readonly ms: number }>>;
}

const perStep = (total: number | null, steps: number): number | null => (total === null ? null : total / Math.max(steps, 1));

/**
 * A profiler for one run: every step wrapped by `around` is counted (the counting costs two clock reads per kernel,
 * so the whole run is profiled, not a sample).
 * @example const p = createStepProfiler(); await p.around(() => step()); writeJson('profile.json', p.result());
 */
export const createStepProfiler = (): StepProfiler => {
  const profiles: KernelProfile[] = [];
  let seconds = 0;
  const around = async <T>(step: () => Promise<T>): Promise<T> => {
    const p = startKernelProfile();
    const start = performance.now();
    try {
      return await step();
    } finally {
      seconds += (performance.now() - start) / 1000;
      profiles.push(p.stop());
    }
  };
  const result = (): RunProfile => {
    const steps = profiles.length;
    const total = sumProfiles(profiles);
    return {
      engine: tf.getBackend(),
      steps,
      perStep: {
        kernels: perStep(total.kernels, steps) ?? 0,
        dispatches: perStep(total.dispatches, steps),
        uploads: perStep(total.uploads, steps),
        downloads: perStep(total.downloads, steps),
        seconds: seconds / Math.max(steps, 1),
      },
      byKernel: Object.fromEntries(Object.entries(total.byKernel).map(([k, v]) => [k, { count: v.count / Math.max(steps, 1), ms: v.ms / Math.max(steps, 1) }] as const)),
    };
  };
  return { around, result };
};

const fixed = (n: number | null, digits = 0): string => (n === null ? '-' : n.toFixed(digits));

/** The short table printed at the end of a profiled run: the per-step totals and the `top` kernels by count. */
export const formatRunProfile = (p: RunProfile, top = 10): string => {
  const head = `profile: ${p.steps} steps on ${p.engine}; per step ${fixed(p.perStep.kernels)} kernels, ${fixed(p.perStep.dispatches)} GPU dispatches, ${fixed(p.perStep.uploads)} uploads, ${fixed(p.perStep.downloads)} downloads, ${p.perStep.seconds.toFixed(3)} s`;
  const rows = Object.entries(p.byKernel).slice(0, top);
  const width = Math.max(6, ...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `  ${k.padEnd(width)} ${fixed(v.count).padStart(9)} ${v.ms.toFixed(1).padStart(10)}`);
  return [head, `  ${'kernel'.padEnd(width)} ${'per step'.padStart(9)} ${'ms/step'.padStart(10)}`, ...lines].join('\n');
};
