import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const START = fileURLToPath(new URL('./start-slurm.sh', import.meta.url));

const which = (cmd: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/**
 * Starts the single-node Slurm of the sweep tests (test/slurm/start-slurm.sh; idempotent) and says whether it runs.
 * Where Slurm is not installed or cannot start, a developer's run skips the Slurm suites with the reason printed;
 * CI (CI=true) installs slurm-wlm and munge (README's test command), so there the same failure is an error.
 */
export const slurmForTests = (): boolean => {
  let reason: string | undefined;
  if (!which('sbatch') || !which('slurmctld')) reason = 'Slurm is not installed (apt-get install slurm-wlm munge)';
  else {
    try {
      execFileSync('bash', [START], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 90_000 });
    } catch (e) {
      const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
      reason = stderr !== undefined && stderr !== '' ? stderr : e instanceof Error ? e.message : String(e);
    }
  }
  if (reason === undefined) return true;
  if (process.env['CI'] === 'true') throw new Error(`CI needs the test Slurm and it did not start: ${reason}`);
  console.warn(`skipped: slurm sweep suites: ${reason}`);
  return false;
};
