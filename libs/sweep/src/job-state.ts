import type { Job, JobGraph } from './job-graph';

/** Where a job stands, from its run directory and the scheduler. */
export type JobState = 'done' | 'running' | 'queued' | 'failed' | 'interrupted' | 'missing';

/** What the run directory shows. */
export interface RunDirView {
  /** The exit code the job script wrote when the command ended. */
  readonly exitCode?: number;
  /** A job script is running it now (a live local process). */
  readonly alive?: boolean;
  /** The run directory exists (the job started at some point). */
  readonly started: boolean;
}

/** What the scheduler says about the job's latest submission (Slurm's state names, `reason` for pending jobs). */
export interface SchedulerView {
  readonly state: string;
  readonly reason?: string;
}

const QUEUED = ['PENDING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'CONFIGURING', 'RESIZING', 'SUSPENDED'];
const RUNNING = ['RUNNING', 'COMPLETING', 'STAGE_OUT', 'SIGNALING'];

/**
 * One job's state. A finished command decides (its exit code); otherwise the scheduler's view, where it still knows
 * the job; a pending job whose dependency can never be satisfied (an upstream job failed) is failed, not queued.
 */
export const jobState = (dir: RunDirView, scheduler: SchedulerView | undefined): JobState => {
  if (dir.exitCode === 0) return 'done';
  if (scheduler !== undefined) {
    if (QUEUED.includes(scheduler.state)) return scheduler.reason === 'DependencyNeverSatisfied' ? 'failed' : 'queued';
    if (RUNNING.includes(scheduler.state)) return 'running';
  }
  if (dir.alive === true) return 'running';
  if (dir.exitCode !== undefined) return 'failed';
  return dir.started ? 'interrupted' : 'missing';
};

/** States `sweep run` submits again. */
export const needsSubmit = (s: JobState): boolean => s === 'missing' || s === 'failed' || s === 'interrupted';

/** One `sbatch` of a submission: jobs of one stage that wait for the same jobs (one array). */
export interface StageSubmission {
  readonly stage: string;
  readonly jobs: readonly Job[];
  /** Jobs of earlier stages these wait for: submitted in this round (by job id) or already in the scheduler (by its id). */
  readonly afterJobs: readonly string[];
  readonly afterScheduled: readonly string[];
}

/**
 * What a `sweep run` submits: every job that is missing, failed or interrupted, and every queued job downstream of
 * one, each after its dependencies that are not done (those submitted in the same round, or still queued or running from an earlier one). Jobs already done,
 * queued or running are left alone, so running it twice submits nothing new. The jobs of a stage are grouped by their
 * dependencies, one array per group: an array's dependency holds for all its tasks, so one array per stage would make
 * every evaluation wait for every training, and one failed search would hold back the whole grid.
 */
export const submissionPlan = (
  graph: JobGraph,
  states: ReadonlyMap<string, JobState>,
  scheduledIds: ReadonlyMap<string, string>,
): readonly StageSubmission[] => {
  // A queued job waiting for a job that is submitted again waits for the old submission, which will never succeed:
  // it is submitted again too (its old submission cancelled by the launcher). Jobs come after their dependencies.
  const submitted = new Set<string>();
  for (const j of graph.jobs) {
    const state = states.get(j.id) ?? 'missing';
    if (needsSubmit(state) || (state === 'queued' && j.deps.some((d) => submitted.has(d)))) submitted.add(j.id);
  }
  const byId = new Map(graph.jobs.map((j) => [j.id, j]));
  return graph.stages.flatMap((s) => {
    const groups = new Map<string, Job[]>();
    for (const job of s.jobs.filter((id) => submitted.has(id)).map((id) => byId.get(id)!)) {
      const key = [...job.deps].sort().join('\n');
      groups.set(key, [...(groups.get(key) ?? []), job]);
    }
    return [...groups.values()].map((jobs) => {
      const deps = jobs[0]!.deps;
      return {
        stage: s.name,
        jobs,
        afterJobs: deps.filter((d) => submitted.has(d)),
        afterScheduled: deps
          .filter((d) => !submitted.has(d) && (states.get(d) === 'queued' || states.get(d) === 'running'))
          .map((d) => scheduledIds.get(d))
          .filter((x): x is string => x !== undefined),
      };
    });
  });
};
