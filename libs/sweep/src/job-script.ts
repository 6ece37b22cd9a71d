import type { Job, JobGraph } from './job-graph';
import type { Resources } from './sweep-file';

/** Files a job script leaves in its run directory: its exit code when it ended, who runs it while it runs, and one line per start. */
export const JOB_FILES = { exit: 'job-exit', running: 'job-running', starts: 'job-starts' } as const;
/** The checkpoint a resumable command leaves (libs/run-store/src/checkpoint.ts names it). */
export const CHECKPOINT_MARKER = 'checkpoint/checkpoint.json';

/** POSIX single-quoting: anything inside is literal. */
export const shellQuote = (s: string): string => (/^[A-Za-z0-9_./=:,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export const stageScriptPath = (graph: JobGraph, stage: string): string => `${graph.root}/jobs/${stage}.sbatch`;

/**
 * What a job does once its stage script has picked it: one `approx-darts` command in its own run directory. A
 * restarted job (a Slurm requeue, a second `sweep run`) finds the checkpoint and adds `--resume`, so it continues
 * instead of starting over. The exit code is written last, so a job killed mid-run leaves none and reads as interrupted.
 */
const jobBody = (graph: JobGraph, kind: Pick<Job, 'resumable' | 'stdoutFile'>): readonly string[] => {
  const invoke = kind.resumable
    ? '"${cmd[@]}" "${resume[@]}"'
    : kind.stdoutFile !== undefined
      ? `"\${cmd[@]}" > "$run/${kind.stdoutFile}.part" && mv "$run/${kind.stdoutFile}.part" "$run/${kind.stdoutFile}"`
      : '"${cmd[@]}"';
  return [
    `cd ${shellQuote(graph.workdir)}`,
    'mkdir -p "$run"',
    `rm -f "$run/${JOB_FILES.exit}"`,
    `echo "$(hostname) $$ \${SLURM_JOB_ID:-}" > "$run/${JOB_FILES.running}"`,
    ...(kind.resumable ? ['resume=()', `if [ -f "$run/${CHECKPOINT_MARKER}" ]; then resume=(--resume); fi`] : []),
    // Each start is recorded (epoch seconds, and --resume when resuming), so a requeued job's restart is visible.
    `echo "$(date +%s.%N)${kind.resumable ? ' ${resume[*]:-}' : ''}" >> "$run/${JOB_FILES.starts}"`,
    invoke,
    'code=$?',
    `rm -f "$run/${JOB_FILES.running}"`,
    `echo "$code" > "$run/${JOB_FILES.exit}.part" && mv "$run/${JOB_FILES.exit}.part" "$run/${JOB_FILES.exit}"`,
    'exit "$code"',
  ];
};

const sbatchLines = (r: Resources): readonly string[] => [
  ...(r.cpus !== undefined ? [`--cpus-per-task=${r.cpus}`] : []),
  ...(r.gpus !== undefined && r.gpus > 0 ? [`--gres=gpu:${r.gpus}`] : []),
  ...(r.mem !== undefined ? [`--mem=${r.mem}`] : []),
  ...(r.time !== undefined ? [`--time=${r.time}`] : []),
  ...(r.partition !== undefined ? [`--partition=${r.partition}`] : []),
  ...(r.account !== undefined ? [`--account=${r.account}`] : []),
  ...(r.sbatch ?? []),
];

/**
 * The script of a stage, one file however many jobs it has (a grid of 10^5 jobs wrote 10^5 scripts): array task i
 * runs the stage's job i, its run directory and command picked by a `case`; `bash STAGE.sbatch i` runs it outside
 * Slurm (the local launcher). `--requeue` lets Slurm put a task back in the queue when its node fails or it is
 * preempted.
 */
export const renderStageScript = (graph: JobGraph, stage: string, command: readonly string[]): string => {
  const s = graph.stages.find((x) => x.name === stage)!;
  const jobs = graph.jobs.filter((j) => j.stage === stage);
  return [
    '#!/usr/bin/env bash',
    `#SBATCH --job-name=${graph.name}-${stage}`,
    `#SBATCH --output=${graph.root}/logs/${stage}-%A_%a.out`,
    '#SBATCH --open-mode=append',
    '#SBATCH --requeue',
    ...sbatchLines(s.resources).map((l) => `#SBATCH ${l}`),
    `# approx-darts sweep '${graph.name}', stage ${stage}: array task i runs the stage's job i; written by \`approx-darts sweep run\`.`,
    'set -uo pipefail',
    'task="${1:-${SLURM_ARRAY_TASK_ID:?run it as an array task (sbatch --array), or give the task index}}"',
    'case "$task" in',
    ...jobs.map((j) => `  ${j.index}) run=${shellQuote(j.runDir)}; cmd=(${[...command, ...j.args].map(shellQuote).join(' ')}) ;; # ${j.id}`),
    '  *) echo "no job at index $task" >&2; exit 2 ;;',
    'esac',
    ...(jobs[0] === undefined ? [] : jobBody(graph, jobs[0])),
    '',
  ].join('\n');
};

/** `sbatch` arguments submitting the given tasks of a stage after `after` (Slurm job ids, `123` or `123_4`). */
export const sbatchArgs = (graph: JobGraph, stage: string, indices: readonly number[], after: readonly string[]): readonly string[] => [
  '--parsable',
  `--array=${[...indices].sort((a, b) => a - b).join(',')}`,
  ...(after.length > 0 ? [`--dependency=afterok:${after.join(':')}`] : []),
  stageScriptPath(graph, stage),
];
