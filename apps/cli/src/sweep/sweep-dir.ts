import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { readJsonl, writeJsonAtomic } from '@approx-darts/run-store';
import {
  countJobs, decodeSweepFile, expandSweep, JOB_FILES, renderStageScript, stageScriptPath,
  type Job, type JobGraph, type RunDirView, type SweepFile,
} from '@approx-darts/sweep';
import { CliError } from '../cli-error';

/** A sweep directory keeps the file it was run from, so `status` and `report` need only the directory. */
export const SWEEP_FILES = { file: 'sweep.json', state: 'sweep-state.json', jobs: 'jobs', logs: 'logs', runs: 'runs', lock: 'sweep.lock' } as const;

/** What `sweep run` remembers between calls: the launcher and, for Slurm, each job's latest scheduler id (`123_4`). */
export const SweepState = t.readonly(
  t.type({ launcher: t.keyof({ slurm: null, local: null }), workdir: t.string, scheduled: t.readonly(t.record(t.string, t.string)) }),
);
export type SweepState = t.TypeOf<typeof SweepState>;

/** Reads and checks a sweep file; a problem is one line naming the file. */
export const loadSweepFile = async (file: string): Promise<SweepFile> => {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new CliError(`${file}: ${e instanceof SyntaxError ? `not JSON (${e.message})` : 'cannot be read'}`);
  }
  const decoded = decodeSweepFile(json);
  if (E.isLeft(decoded)) throw new CliError(`${file}: ${decoded.left}`);
  return decoded.right;
};

/**
 * A sweep file's job graph; jobs run from `workdir` (relative paths in the file are relative to it). The jobs are
 * counted before they are built: above `maxJobs` the file is refused (a grid too large to build runs out of memory).
 */
export const sweepGraph = (path: string, file: SweepFile, root: string, workdir: string, maxJobs: number = Number.POSITIVE_INFINITY): JobGraph => {
  const count = countJobs(file);
  if (count > maxJobs) {
    throw new CliError(`${path}: ${count.toLocaleString('en-US')} jobs, more than --max-jobs ${maxJobs}; give fewer axis values, or raise --max-jobs if you mean it`);
  }
  const graph = expandSweep(file, resolve(root), resolve(workdir));
  if (E.isLeft(graph)) throw new CliError(`${path}: ${graph.left}`);
  return graph.right;
};

/** Reads, checks and expands a sweep file (see sweepGraph). */
export const loadSweepGraph = async (file: string, root: string, workdir: string): Promise<JobGraph> => sweepGraph(file, await loadSweepFile(file), root, workdir);

/** The sweep directory's own copy of its file, expanded as `sweep run` expanded it (its workdir is in the state file). */
export const loadSweepDir = async (dir: string): Promise<JobGraph> => {
  const file = join(dir, SWEEP_FILES.file);
  if (!existsSync(file)) throw new CliError(`${dir}: not a sweep directory (no ${SWEEP_FILES.file}; start it with \`approx-darts sweep run FILE --out ${dir}\`)`);
  return loadSweepGraph(file, dir, (await readSweepState(dir))?.workdir ?? dir);
};

export const readSweepState = async (dir: string): Promise<SweepState | undefined> => {
  const path = join(dir, SWEEP_FILES.state);
  if (!existsSync(path)) return undefined;
  const json = E.tryCatch(
    () => JSON.parse(readFileSync(path, 'utf8')) as unknown,
    (e) => (e instanceof Error ? e.message : String(e)),
  );
  if (E.isLeft(json)) throw new CliError(`${path}: not JSON (${json.left}); it records the launcher and Slurm job ids: restore it, or remove it to start the bookkeeping afresh`);
  const decoded = SweepState.decode(json.right);
  if (E.isLeft(decoded)) throw new CliError(`${path}: not a sweep state file`);
  return decoded.right;
};

export const writeSweepState = (dir: string, state: SweepState): Promise<void> => writeJsonAtomic(join(dir, SWEEP_FILES.state), state);

/**
 * How a job script starts `approx-darts`: this very CLI, by absolute paths, so a job on a compute node runs the same
 * version from the shared file system (`--command` overrides it, e.g. for a bundle in dist/).
 */
export const defaultCommand = (): readonly string[] => {
  const bin = fileURLToPath(new URL('../../bin/approx-darts.mjs', import.meta.url));
  return existsSync(bin) ? [process.execPath, bin] : [process.execPath, resolve(process.argv[1] ?? 'approx-darts')];
};

/** Writes the sweep file's copy and one script per stage (an sbatch array script, which also runs one job locally). */
export const writeSweepDir = async (graph: JobGraph, sourceText: string, command: readonly string[]): Promise<void> => {
  const root = graph.root;
  await mkdir(join(root, SWEEP_FILES.jobs), { recursive: true });
  await mkdir(join(root, SWEEP_FILES.logs), { recursive: true });
  await mkdir(join(root, SWEEP_FILES.runs), { recursive: true });
  await writeFile(join(root, SWEEP_FILES.file), sourceText);
  for (const stage of graph.stages) {
    await writeFile(stageScriptPath(graph, stage.name), renderStageScript(graph, stage.name, command));
    await chmod(stageScriptPath(graph, stage.name), 0o755);
  }
};

const readText = async (path: string): Promise<string | undefined> => readFile(path, 'utf8').catch(() => undefined);

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** What a job's run directory shows: its exit code, whether a local script is alive on this host, whether it started. */
export const readRunDir = async (job: Job): Promise<RunDirView> => {
  const exit = await readText(join(job.runDir, JOB_FILES.exit));
  const running = (await readText(join(job.runDir, JOB_FILES.running)))?.trim().split(/\s+/);
  const alive = running !== undefined && running[0] === hostname() && running[2] === undefined && pidAlive(Number(running[1]));
  return {
    ...(exit !== undefined && /^\d+$/.test(exit.trim()) ? { exitCode: Number(exit.trim()) } : {}),
    alive,
    started: existsSync(job.runDir),
  };
};

/** Epochs finished of planned, for search and train runs (metrics.jsonl against the run's config), and restarts. */
export const progressOf = async (job: Job): Promise<string> => {
  const starts = (await readText(join(job.runDir, JOB_FILES.starts)))?.trim().split('\n').length ?? 0;
  const restarts = starts > 1 ? `${starts - 1} restart${starts > 2 ? 's' : ''}` : '';
  if (job.kind !== 'search' && job.kind !== 'train') return restarts;
  const done = (await readJsonl(join(job.runDir, 'metrics.jsonl')).catch((): readonly unknown[] => [])).length;
  const configFile = job.kind === 'search' ? 'run-config.json' : 'config.json';
  const config = await readText(join(job.runDir, configFile));
  const parsed = config === undefined ? undefined : E.tryCatch(() => JSON.parse(config) as { plan?: { epochs?: number } }, () => 'unreadable');
  // One corrupt run config makes its own row say so, not the whole status fail.
  if (parsed !== undefined && E.isLeft(parsed)) return [`unreadable ${configFile} (not JSON)`, restarts].filter((x) => x !== '').join(', ');
  const epochs = parsed?.right.plan?.epochs;
  return [`${done}/${epochs ?? '?'} epochs`, restarts].filter((x) => x !== '').join(', ');
};
