import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readJsonl } from '@approx-darts/run-store';
import { RUN_CONFIG_FILES as CONFIG_FILES } from '@approx-darts/run';
import { CliError } from '../cli-error';
import { compareMarkdown, differingSettings, resultsOf, type ComparedRun } from '../report/run-compare';

/** Reads a search or training run directory: its config file says which. */
const readRun = async (arg: string): Promise<ComparedRun> => {
  const dir = resolve(arg);
  const kind = existsSync(join(dir, CONFIG_FILES.search)) ? 'search' : existsSync(join(dir, CONFIG_FILES.train)) ? 'train' : undefined;
  if (kind === undefined) throw new CliError(`${arg}: not a run directory (no ${CONFIG_FILES.search} of a search nor ${CONFIG_FILES.train} of a training run)`);
  const configFile = join(dir, CONFIG_FILES[kind]);
  const config: unknown = JSON.parse(await readFile(configFile, 'utf8').catch(() => 'null'));
  if (config === null) throw new CliError(`${configFile}: cannot read it`);
  const metrics = await readJsonl(join(dir, 'metrics.jsonl')).catch(() => []);
  return { dir: arg, kind, config, metrics };
};

export const register = (program: Command): void => {
  program
    .command('compare')
    .description('Compare run directories (searches or trainings): the settings that differ and the results side by side')
    .argument('<runs...>', 'run directories')
    .option('--json', 'print JSON')
    .action(async (dirs: readonly string[], opts: { json?: boolean }) => {
      if (dirs.length < 2) throw new CliError('compare: name at least two run directories');
      const runs = [];
      for (const d of dirs) runs.push(await readRun(d));
      const text = opts.json
        ? `${JSON.stringify({ runs: runs.map((r) => ({ dir: r.dir, kind: r.kind, results: resultsOf(r) })), differing: differingSettings(runs.map((r) => ({ kind: r.kind, ...(r.config as object) }))) }, null, 2)}\n`
        : compareMarkdown(runs);
      process.stdout.write(text);
    });
};
