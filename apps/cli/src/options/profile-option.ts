import { join } from 'node:path';
import { createStepProfiler, formatRunProfile, type StepProfiler } from '@approx-darts/run';
import { writeJsonAtomic } from '@approx-darts/run-store';

/** `--profile` of search and train: kernels per step, by kernel name, into the run directory. */
export const PROFILE_OPTION = ['--profile', 'count kernels (and GPU dispatches, uploads, downloads on webgpu) per step: profile.json in --out and a table at the end'] as const;

export const PROFILE_FILE = 'profile.json';

/** A step profiler when --profile is on, and what ends the run with it: profile.json and the table on stderr. */
export const profileOption = (on: boolean | undefined): { readonly profiler?: StepProfiler; readonly finish: (runDir: string) => Promise<void> } => {
  if (on !== true) return { finish: async () => undefined };
  const profiler = createStepProfiler();
  return {
    profiler,
    finish: async (runDir) => {
      const result = profiler.result();
      const path = join(runDir, PROFILE_FILE);
      await writeJsonAtomic(path, result);
      process.stderr.write(`${formatRunProfile(result)}\nprofile: ${path}\n`);
    },
  };
};
