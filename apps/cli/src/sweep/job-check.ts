import type { Command, Option } from 'commander';
import { closeNames, isFp32 } from '@approx-darts/multipliers';
import { loadMultiplierTable, MultiplierFileError } from '@approx-darts/io';
import type { Job, JobGraph, SweepFile } from '@approx-darts/sweep';

// A sweep job whose command line its command refuses fails only once it runs (on Slurm after waiting in the queue),
// its cause buried in a log. So every job's command line is checked before anything is written or submitted, against
// the option definitions of the very commander program that will parse it: there is no second list of flags.

/** The subcommand a job's arguments run (`search`, `sweep pick`) and the arguments after its name. */
const commandOf = (program: Command, args: readonly string[]): { readonly cmd: Command; readonly path: string; readonly rest: readonly string[] } | undefined => {
  let cmd = program;
  let i = 0;
  while (i < args.length) {
    const next = cmd.commands.find((c) => c.name() === args[i] || c.aliases().includes(args[i]!));
    if (next === undefined) break;
    cmd = next;
    i += 1;
  }
  return i === 0 ? undefined : { cmd, path: args.slice(0, i).join(' '), rest: args.slice(i) };
};

/** Where a flag of a job comes from in the sweep file, as a path (`stages[2] (train).flags.seed`, `common.seed`). */
const sourceOf = (file: SweepFile, job: Job, key: string): string => {
  const i = file.stages.findIndex((s) => s.name === job.stage);
  const stage = file.stages[i]!;
  const at = `stages[${i}] (${stage.name})`;
  if ('axes' in stage && stage.axes !== undefined && key in stage.axes) return `${at}.axes.${key}`;
  if ('flags' in stage && stage.flags !== undefined && key in stage.flags) return `${at}.flags.${key}`;
  if (file.common !== undefined && key in file.common) return `common.${key} (given to ${at})`;
  return `${at} (the sweep's own --${key})`;
};

/** Where a multiplier name of a job comes from: its axis or flag, a train stage's `multipliers` or an eval stage's `under`. */
const multiplierSourceOf = (file: SweepFile, job: Job, key: string): string => {
  const i = file.stages.findIndex((s) => s.name === job.stage);
  const stage = file.stages[i]!;
  if (stage.kind === 'train' && stage.multipliers !== undefined && job.searchedWith in stage.multipliers) return `stages[${i}] (${stage.name}).multipliers.${job.searchedWith}`;
  if (stage.kind === 'eval' && stage.under !== undefined && job.trainedWith !== undefined && job.trainedWith in stage.under) return `stages[${i}] (${stage.name}).under.${job.trainedWith}`;
  return sourceOf(file, job, key);
};

const takesValue = (o: Option): boolean => o.required || o.optional;

/** The first problem of one job's command line against its command's options, naming the file's key; undefined when it parses. */
const argsProblem = (program: Command, file: SweepFile, job: Job): string | undefined => {
  const found = commandOf(program, job.args);
  const where = (key: string): string => sourceOf(file, job, key);
  if (found === undefined) return `stage '${job.stage}': '${job.args[0] ?? ''}' is not an approx-darts command`;
  const { cmd, path, rest } = found;
  const given = new Set<Option>();
  for (let i = 0; i < rest.length; i += 1) {
    const token = rest[i]!;
    if (!token.startsWith('--')) {
      if (cmd.registeredArguments.length > 0) continue;
      const flag = rest[i - 1]?.replace(/^--/, '') ?? token;
      return `${where(flag)}: approx-darts ${path} --${flag} is a switch (give true or false), not a value ('${token}')`;
    }
    const option = cmd.options.find((o) => o.long === token);
    const key = token.slice(2).replace(/^no-/, '');
    if (option === undefined) {
      const plain = cmd.options.find((o) => o.long === `--${key}`);
      if (plain !== undefined && token.startsWith('--no-')) return `${where(key)}: approx-darts ${path} --${key} takes a value, not false`;
      if (plain === undefined && cmd.options.some((o) => o.long === `--no-${key}`)) return `${where(key)}: approx-darts ${path} has only --no-${key} (give false), not true`;
      const close = closeNames(key, cmd.options.map((o) => o.long?.slice(2) ?? '').filter((n) => n !== ''));
      return `${where(key)}: approx-darts ${path} has no flag --${key}${close.length > 0 ? `; did you mean ${close.map((c) => `'${c}'`).join(', ')}?` : ` (see approx-darts ${path} --help)`}`;
    }
    given.add(option);
    if (!takesValue(option)) continue;
    const value = rest[i + 1];
    if (value === undefined || value.startsWith('--')) {
      if (option.required) return `${where(key)}: approx-darts ${path} --${key} takes a value, not true`;
      continue;
    }
    if (option.argChoices !== undefined && !option.argChoices.includes(value)) {
      return `${where(key)}: approx-darts ${path} --${key} is one of ${option.argChoices.join(', ')}, not '${value}'`;
    }
    i += 1;
  }
  const missing = cmd.options.find((o) => o.mandatory && !given.has(o) && o.defaultValue === undefined);
  if (missing !== undefined) return `stage '${job.stage}': approx-darts ${path} needs ${missing.long ?? missing.flags}`;
  return undefined;
};

/** The value of `--flag` in a job's arguments. */
const valueOf = (job: Job, flag: string): string | undefined => {
  const i = job.args.indexOf(flag);
  return i >= 0 ? job.args[i + 1] : undefined;
};

/**
 * The first problem of a sweep's jobs, as one line naming the sweep file's key: a flag the job's command does not
 * have (an unknown axis or flag, a `common` flag one stage's command lacks), a switch given a value or a valued flag
 * given true, a value outside the flag's choices, and a multiplier that names no table. Undefined when every job's
 * command line would be accepted.
 */
export const sweepJobsProblem = async (program: Command, file: SweepFile, graph: JobGraph): Promise<string | undefined> => {
  for (const job of graph.jobs) {
    const problem = argsProblem(program, file, job);
    if (problem !== undefined) return problem;
  }
  // Tables: each distinct (name, --lut-dir) once; a job resolves them from the sweep's working directory.
  const checked = new Set<string>();
  for (const job of graph.jobs) {
    const lutDir = valueOf(job, '--lut-dir');
    for (const flag of ['--multiplier', '--multipliers']) {
      const names = (valueOf(job, flag) ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '' && !isFp32(s));
      for (const name of names) {
        const key = `${lutDir ?? ''}\u0000${name}`;
        if (checked.has(key)) continue;
        checked.add(key);
        const problem = await loadMultiplierTable(name, { lutDir, cwd: graph.workdir }).then(
          () => undefined,
          (e: unknown) => (e instanceof MultiplierFileError ? e.message : String(e)),
        );
        if (problem !== undefined) return `${multiplierSourceOf(file, job, flag.slice(2))}: ${problem}`;
      }
    }
  }
  return undefined;
};
