import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as t from 'io-ts';
import {
  aggregateReport, jobState, needsSubmit, reportCsv, reportLatex, reportMarkdown, submissionPlan,
  type JobGraph, type JobState, type SchedulerView,
} from '@approx-darts/sweep';
import { configDifferences, exitOnInterrupt, RunLockedError, showValue, withRunLock } from '@approx-darts/run-store';
import { CliError } from '../cli-error';
import { sweepJobsProblem } from '../sweep/job-check';
import { decodeFlags, PositiveIntFromString } from '../options/flags';
import { renderSvg, scatterSpec } from '@approx-darts/plots';
import { describeSlurmPlan, slurmQueue, submitSlurm } from '../sweep/slurm-launcher';
import { runLocal } from '../sweep/local-launcher';
import { pickBest } from '../sweep/pick';
import { collectOutcomes } from '../sweep/sweep-outcomes';
import {
  defaultCommand, loadSweepDir, loadSweepFile, progressOf, sweepGraph, SWEEP_FILES, readRunDir, readSweepState, writeSweepDir, writeSweepState, type SweepState,
} from '../sweep/sweep-dir';

const RunFlags = t.intersection([
  t.type({ out: t.string, launcher: t.keyof({ slurm: null, local: null }), jobs: PositiveIntFromString, maxJobs: PositiveIntFromString }),
  t.partial({ dryRun: t.boolean, gpus: t.string, command: t.string }),
]);

/** The paper's grid is 74 jobs; a thousand leaves room for wider grids and stops an axis multiplied by mistake. */
const DEFAULT_MAX_JOBS = 1000;

const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** Every job's state: its run directory, and for a Slurm sweep what squeue says about its latest submission. */
const jobStates = async (graph: JobGraph, state: SweepState | undefined): Promise<{ states: Map<string, JobState>; queue: ReadonlyMap<string, SchedulerView> }> => {
  const queue = state?.launcher === 'slurm' ? await slurmQueue() : new Map<string, SchedulerView>();
  const states = new Map<string, JobState>();
  for (const job of graph.jobs) {
    const scheduled = state?.scheduled[job.id];
    states.set(job.id, jobState(await readRunDir(job), scheduled === undefined ? undefined : queue.get(scheduled)));
  }
  return { states, queue };
};

/** The program a subcommand belongs to: the one whose option definitions every job's command line is checked against. */
const rootOf = (cmd: Command): Command => (cmd.parent === null ? cmd : rootOf(cmd.parent));

/**
 * A sweep directory belongs to the file it was first run from: an edited file, or another sweep's, replaced sweep.json
 * and kept the old results (`0 to run`, and a report of results the file did not produce). Whitespace does not count.
 */
const refuseOtherFile = async (file: string, out: string, root: string): Promise<void> => {
  const recordedPath = join(root, SWEEP_FILES.file);
  if (!existsSync(recordedPath)) return;
  const [recorded, now] = [await loadSweepFile(recordedPath), await loadSweepFile(file)];
  const differences = configDifferences(recorded, now);
  if (differences.length === 0) return;
  const shown = differences.slice(0, 3).map((d) => `${d.path} is ${showValue(d.was)} in the sweep, ${showValue(d.now)} now`);
  throw new CliError(
    `--out ${out}: holds the sweep run from another file (${recordedPath}): ${shown.join('; ')}${differences.length > 3 ? `; and ${differences.length - 3} more` : ''}; ` +
      'run that file again, or give the changed one a new --out',
  );
};

const runSweep = async (file: string, opts: Record<string, unknown>, program: Command): Promise<void> => {
  const flags = decodeFlags(RunFlags, opts);
  const root = resolve(flags.out);
  const sweepFile = await loadSweepFile(file);
  const graph = sweepGraph(file, sweepFile, root, process.cwd(), flags.maxJobs);
  const problem = await sweepJobsProblem(program, sweepFile, graph);
  if (problem !== undefined) throw new CliError(`${file}: ${problem}`);
  // One `sweep run` per directory: a second would run the same jobs, each refused by the other's run lock.
  await mkdir(root, { recursive: true });
  await withRunLock(root, `approx-darts sweep run ${file}`, () => runLocked(file, flags, graph), SWEEP_FILES.lock).catch((e: unknown) => {
    throw e instanceof RunLockedError ? new CliError(`--out ${flags.out}: ${e.message.replace(/^\S+ is in use/, 'this sweep directory is in use')}`) : e;
  });
};

const runLocked = async (file: string, flags: t.TypeOf<typeof RunFlags>, graph: JobGraph): Promise<void> => {
  // Exiting on the signal runs the lock's exit handler: sweep.lock goes with this process.
  const stopWatching = exitOnInterrupt(
    (signal) => `sweep interrupted (${signal}); \`approx-darts sweep run ${file} --out ${flags.out}\` again continues it (each job resumes from its checkpoint)`,
  );
  try {
    await runUnderLock(file, flags, graph);
  } finally {
    stopWatching();
  }
};

const runUnderLock = async (file: string, flags: t.TypeOf<typeof RunFlags>, graph: JobGraph): Promise<void> => {
  const root = graph.root;
  const previous = await readSweepState(root);
  if (previous !== undefined && previous.launcher !== flags.launcher && !flags.dryRun) {
    throw new CliError(`--launcher ${flags.launcher}: ${root} was run with --launcher ${previous.launcher}; use that, or a new --out`);
  }
  await refuseOtherFile(file, flags.out, root);
  const command = flags.command !== undefined ? flags.command.split(' ').filter((s) => s !== '') : defaultCommand();
  await writeSweepDir(graph, await readFile(file, 'utf8'), command);
  const { states, queue } = await jobStates(graph, flags.dryRun ? undefined : previous);
  const scheduled = new Map(Object.entries(previous?.scheduled ?? {}));
  const plan = submissionPlan(graph, states, scheduled);
  const todo = plan.flatMap((s) => s.jobs);
  const skipped = graph.jobs.length - todo.length;
  say(`sweep ${graph.name}: ${graph.jobs.length} jobs, ${todo.length} to run${skipped > 0 ? ` (${skipped} done, queued or running)` : ''}; scripts in ${join(root, 'jobs')}`);
  if (todo.length === 0) return;
  if (flags.launcher === 'slurm') {
    if (flags.dryRun) {
      for (const line of describeSlurmPlan(graph, plan)) say(line);
      return;
    }
    const stale = todo.map((j) => scheduled.get(j.id)).filter((id): id is string => id !== undefined && queue.has(id));
    const ids = await submitSlurm(graph, plan, stale);
    for (const [job, id] of ids) scheduled.set(job, id);
    await writeSweepState(root, { launcher: 'slurm', workdir: graph.workdir, scheduled: Object.fromEntries(scheduled) });
    for (const stage of graph.stages) {
      const mine = plan.filter((s) => s.stage === stage.name);
      if (mine.length === 0) continue;
      const arrays = mine.map((s) => ids.get(s.jobs[0]!.id)!.split('_')[0]);
      say(`submitted ${stage.name}: ${mine.reduce((a, s) => a + s.jobs.length, 0)} task(s) in array(s) ${arrays.join(', ')}`);
    }
    return;
  }
  if (flags.dryRun) {
    for (const j of todo) say(`would run ${j.id}`);
    return;
  }
  await writeSweepState(root, { launcher: 'local', workdir: graph.workdir, scheduled: {} });
  const done = new Set(graph.jobs.filter((j) => states.get(j.id) === 'done').map((j) => j.id));
  const gpus = (flags.gpus ?? '').split(',').filter((g) => g !== '');
  const outcome = await runLocal(graph, todo, done, { jobs: gpus.length > 0 ? gpus.length : flags.jobs, gpus, onEvent: say });
  say(`${outcome.done.length} done, ${outcome.failed.length} failed, ${outcome.blocked.length} not run (a dependency failed or is running elsewhere); logs in ${join(root, 'logs')}`);
  if (outcome.failed.length > 0) {
    throw new CliError(
      `sweep ${graph.name}: ${outcome.failed.length} job(s) failed: ${outcome.failed.join(', ')}; the cause is at the end of ${join(root, 'logs', `${outcome.failed[0]!}.log`)}${outcome.failed.length > 1 ? ' (and the others\' logs)' : ''}; \`sweep run\` again retries them`,
    );
  }
  if (outcome.blocked.length > 0) throw new CliError(`sweep ${graph.name}: ${outcome.blocked.length} job(s) not run: ${outcome.blocked.join(', ')}; run it again when what they depend on has finished`);
};

const statusSweep = async (dir: string, opts: { json?: boolean }): Promise<void> => {
  const root = resolve(dir);
  const graph = await loadSweepDir(root);
  const state = await readSweepState(root);
  const { states } = await jobStates(graph, state);
  const rows = await Promise.all(
    graph.jobs.map(async (j) => ({ id: j.id, stage: j.stage, state: states.get(j.id)!, progress: await progressOf(j), scheduler: state?.scheduled[j.id] ?? '' })),
  );
  if (opts.json === true) return say(JSON.stringify({ sweep: graph.name, launcher: state?.launcher ?? null, jobs: rows }, null, 2));
  const width = Math.max(...rows.map((r) => r.id.length));
  for (const r of rows) say(`${r.id.padEnd(width)}  ${r.state.padEnd(11)}  ${r.progress.padEnd(24)}  ${r.scheduler}`.trimEnd());
  const counts = [...new Set(rows.map((r) => r.state))].map((s) => `${rows.filter((r) => r.state === s).length} ${s}`);
  say(`${graph.name}: ${counts.join(', ')}${rows.some((r) => needsSubmit(r.state)) ? ' (`sweep run` again submits the missing, failed and interrupted ones)' : ''}`);
};

const ReportFlags = t.intersection([t.type({ format: t.keyof({ md: null, json: null, csv: null, latex: null }) }), t.partial({ lutDir: t.string })]);

const reportSweep = async (dir: string, opts: Record<string, unknown>): Promise<void> => {
  const flags = decodeFlags(ReportFlags, opts);
  const root = resolve(dir);
  const graph = await loadSweepDir(root);
  const { states } = await jobStates(graph, await readSweepState(root));
  const finished = new Set([...states].filter(([, s]) => s === 'done').map(([id]) => id));
  const { searches, networks, unreadable } = await collectOutcomes(graph, finished, flags.lutDir);
  // The rows a report leaves out, and why: it dropped unfinished, deleted and unreadable runs without a word.
  const unfinished = graph.jobs.filter((j) => (j.kind === 'train' || j.kind === 'eval') && !finished.has(j.id)).map((j) => `${j.id} (${states.get(j.id)!})`);
  const missing = [...unfinished, ...unreadable];
  if (missing.length > 0) process.stderr.write(`approx-darts: the report leaves out the rows of ${missing.length} job(s): ${missing.join('; ')}\n`);
  if (networks.length === 0) throw new CliError(`${root}: no trained network has finished yet (see \`approx-darts sweep status ${dir}\`)`);
  const rows = aggregateReport(searches, networks);
  const plot = 'accuracy-energy.svg';
  await writeFile(
    join(root, plot),
    await renderSvg(
      scatterSpec(
        rows.map((r) => ({
          x: r.energyUj,
          y: r.accuracyPct.mean,
          ...(r.accuracyPct.n > 1 ? { yError: r.accuracyPct.std } : {}),
          label: r.accuracyPct.n > 1 ? `${r.accuracyPct.mean.toFixed(2)} ± ${r.accuracyPct.std.toFixed(2)} (n = ${r.accuracyPct.n})` : r.accuracyPct.mean.toFixed(2),
          group: `searched ${r.searchedWith}, trained ${r.trainedWith}, evaluated under ${r.evaluatedUnder}`,
        })),
        { title: `${graph.name}: test accuracy against arithmetic energy (bars: ± 1 std over seeds)`, xLabel: 'arithmetic energy per inference (uJ)', yLabel: 'test accuracy (%)' },
      ),
    ),
  );
  const text = flags.format === 'json' ? `${JSON.stringify({ sweep: graph.name, plot: join(root, plot), rows }, null, 2)}\n` : flags.format === 'csv' ? reportCsv(rows) : flags.format === 'latex' ? reportLatex(graph.name, rows) : reportMarkdown(graph.name, rows, plot);
  await writeFile(join(root, `report.${flags.format === 'latex' ? 'tex' : flags.format}`), text);
  process.stdout.write(text);
};

export const register = (program: Command): void => {
  const sweep = program.command('sweep').description('Experiment grids (sweep files): run them on Slurm or locally, follow them, report them as the paper\'s tables');
  sweep
    .command('run')
    .description('Write every job\'s script into --out and run what is missing, failed or interrupted (sbatch job arrays, or local processes)')
    .argument('<file>', 'sweep file (JSON; see examples/sweeps and docs/SWEEPS.md)')
    .requiredOption('--out <dir>', 'sweep directory (sweep.json, jobs/, runs/, logs/, sweep-state.json)')
    .option('--launcher <name>', 'slurm (sbatch arrays with afterok dependencies) or local', 'local')
    .option('--jobs <n>', 'local: jobs at once', '1')
    .option('--gpus <ids>', 'local: comma-separated GPU ids, one job per GPU (CUDA_VISIBLE_DEVICES)')
    .option('--command <cmd>', 'how jobs start approx-darts (default: this CLI by absolute path)')
    .option('--dry-run', 'write the scripts and print what would be submitted or run, without doing it')
    .option('--max-jobs <n>', 'refuse a sweep file of more jobs than this (counted before anything is written)', String(DEFAULT_MAX_JOBS))
    .action((file: string, opts: Record<string, unknown>, cmd: Command) => runSweep(file, opts, rootOf(cmd)));
  sweep
    .command('status')
    .description('Every job\'s state (done, running, queued, failed, interrupted, missing) and epochs')
    .argument('<dir>', 'sweep directory')
    .option('--json', 'print JSON')
    .action((dir: string, opts: { json?: boolean }) => statusSweep(dir, opts));
  sweep
    .command('report')
    .description('Tables II/III of the paper from a sweep: search cost, parameters, accuracy mean ± std, energy and savings; plus accuracy-energy.svg')
    .argument('<dir>', 'sweep directory')
    .option('--format <format>', 'md, json, csv or latex (booktabs tables II and III; written to report.tex)', 'md')
    .option('--lut-dir <dir>', 'directory searched first for multipliers.json')
    .action((dir: string, opts: Record<string, unknown>) => reportSweep(dir, opts));
  sweep
    .command('pick')
    .description('(a sweep\'s select job) copy the genotype of the search with the best last-epoch validation accuracy into --out')
    .requiredOption('--out <dir>', 'directory for genotype.json and selection.json')
    .argument('<runs...>', 'search run directories')
    .action(async (runs: readonly string[], opts: { out: string }) => {
      const best = await pickBest(resolve(opts.out), runs);
      say(`picked ${best.run} (valid accuracy ${(100 * best.validAccuracy).toFixed(2)}% after ${best.epochs} epochs)`);
    });
};
