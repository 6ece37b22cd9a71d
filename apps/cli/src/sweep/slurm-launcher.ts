import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sbatchArgs, type JobGraph, type SchedulerView, type StageSubmission } from '@approx-darts/sweep';
import { CliError } from '../cli-error';

const run = promisify(execFile);

/** Runs a Slurm client; a missing client or a refusal is one line naming the command. */
const slurm = async (cmd: string, args: readonly string[]): Promise<string> => {
  try {
    return (await run(cmd, [...args], { encoding: 'utf8' })).stdout;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new CliError(`${cmd}: not found (install Slurm's client commands, or use --launcher local)`);
    throw new CliError(`${cmd} ${args.join(' ')}: ${(err.stderr ?? err.message).trim().split('\n')[0]}`);
  }
};

/** Every job the scheduler still knows, array tasks one per line (`123_4`), with state and pending reason. */
export const slurmQueue = async (): Promise<ReadonlyMap<string, SchedulerView>> => {
  const out = await slurm('squeue', ['-h', '-r', '-o', '%i|%T|%r']);
  const queue = new Map<string, SchedulerView>();
  for (const line of out.split('\n')) {
    const [id, state, reason] = line.trim().split('|');
    if (id !== undefined && id !== '' && state !== undefined) queue.set(id, { state, ...(reason !== undefined && reason !== '' ? { reason } : {}) });
  }
  return queue;
};

/** The sbatch command lines of a plan, scheduler ids of this round's jobs written as `<stage>_<index>`. */
export const describeSlurmPlan = (graph: JobGraph, plan: readonly StageSubmission[]): readonly string[] =>
  plan.map((s) => {
    const index = new Map(graph.jobs.map((j) => [j.id, `<${j.stage}>_${j.index}`]));
    return ['sbatch', ...sbatchArgs(graph, s.stage, s.jobs.map((j) => j.index), [...s.afterJobs.map((d) => index.get(d)!), ...s.afterScheduled])].join(' ');
  });

/**
 * Submits a plan stage by stage, each stage one job array whose tasks wait (afterok) for the exact upstream tasks;
 * returns each submitted job's scheduler id (`<array id>_<task>`). Stale jobs (pending on a dependency that can never
 * be satisfied) are cancelled first, so a failed search's evaluation does not linger behind its replacement.
 */
export const submitSlurm = async (
  graph: JobGraph,
  plan: readonly StageSubmission[],
  stale: readonly string[],
): Promise<ReadonlyMap<string, string>> => {
  if (stale.length > 0) await slurm('scancel', [...stale]);
  const ids = new Map<string, string>();
  for (const s of plan) {
    const after = [...s.afterJobs.map((d) => ids.get(d)!), ...s.afterScheduled];
    const out = await slurm('sbatch', sbatchArgs(graph, s.stage, s.jobs.map((j) => j.index), [...new Set(after)]));
    const arrayId = out.trim().split(';')[0]!;
    if (!/^\d+$/.test(arrayId)) throw new CliError(`sbatch: unexpected reply '${out.trim()}' (wanted a job id from --parsable)`);
    for (const j of s.jobs) ids.set(j.id, `${arrayId}_${j.index}`);
  }
  return ids;
};
