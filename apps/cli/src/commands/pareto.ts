import type { Command } from 'commander';
import { PAPER_EVAL_MACRO } from '@approx-darts/search-space';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { decodeGenotypeJson } from '@approx-darts/genotype';
import { readJsonl } from '@approx-darts/run-store';
import { CliError } from '../cli-error';
import { decodeFlags, PositiveIntFromString } from '../options/flags';
import { inferenceEnergy } from '../inference-energy';
import { paretoSvg, paretoTable, type ParetoRow } from '../report/pareto';

const ParetoFlags = t.intersection([t.type({ channels: PositiveIntFromString, cells: PositiveIntFromString }), t.partial({ lutDir: t.string, out: t.string, json: t.boolean })]);
const RunConfig = t.type({ energy: t.type({ weight: t.number }) });
const Epoch = t.type({ valid: t.type({ accuracy: t.number }) });

const readJson = async (path: string): Promise<unknown> => {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new CliError(`${path}: not readable (is the directory an energy-aware search run?)`);
  });
  return E.getOrElseW(() => {
    throw new CliError(`${path}: not JSON`);
  })(E.tryCatch(() => JSON.parse(text) as unknown, String));
};

/** One search run directory of an energy-weight sweep, costed at the evaluation size. */
const rowOf = async (dir: string, channels: number, cells: number, lutDir: string | undefined): Promise<ParetoRow> => {
  const config = pipe(
    RunConfig.decode(await readJson(join(dir, 'run-config.json'))),
    E.getOrElseW(() => {
      throw new CliError(`${dir}: not an energy-aware search run (run-config.json has no energy; search with --multipliers)`);
    }),
  );
  const last = (await readJsonl(join(dir, 'metrics.jsonl')).catch(() => [])).at(-1);
  if (!Epoch.is(last)) throw new CliError(`${dir}: metrics.jsonl has no finished epoch`);
  const genotype = pipe(
    decodeGenotypeJson(await readJson(join(dir, 'genotype.json'))),
    E.getOrElseW((problem) => {
      throw new CliError(`${join(dir, 'genotype.json')}: ${problem}`);
    }),
  );
  const energy = await inferenceEnergy(genotype, { channels, cells, classes: 10, stemMultiplier: 3 }, 'fp32', lutDir);
  return { run: dir, energyWeight: config.energy.weight, validAccuracy: last.valid.accuracy, energyUj: energy.energyUj };
};

export const register = (program: Command): void => {
  program
    .command('pareto')
    .description('Validation accuracy against the derived networks\' energy over energy-aware searches (one per --energy-weight): a table and pareto.svg')
    .argument('<run-dirs...>', 'search run directories (search --multipliers ... --energy-weight L --out DIR)')
    .option('--channels <C>', `initial channels of the derived networks the energy is charged for (default ${PAPER_EVAL_MACRO.channels}, as energy and train's paper preset)`, String(PAPER_EVAL_MACRO.channels))
    .option('--cells <L>', `cells of the derived networks (default ${PAPER_EVAL_MACRO.cells})`, String(PAPER_EVAL_MACRO.cells))
    .option('--lut-dir <dir>', 'directory searched first for multipliers.json (the power figures)')
    .option('--out <dir>', 'write pareto.md and pareto.svg here')
    .option('--json', 'print JSON')
    .action(async (dirs: string[], opts: Record<string, unknown>) => {
      const flags = decodeFlags(ParetoFlags, opts);
      const rows = await Promise.all(dirs.map((d) => rowOf(resolve(d), flags.channels, flags.cells, flags.lutDir)));
      const table = paretoTable(rows);
      if (flags.out !== undefined) {
        // As search and train do: the directory is made, and a path that cannot be one is named.
        await mkdir(flags.out, { recursive: true }).catch((e: unknown) => {
          throw new CliError(`--out ${flags.out}: cannot create it (${e instanceof Error ? e.message : String(e)})`);
        });
        await writeFile(join(flags.out, 'pareto.md'), `${table}\n`);
        await writeFile(join(flags.out, 'pareto.svg'), await paretoSvg(rows, flags.channels, flags.cells));
      }
      process.stdout.write(flags.json === true ? `${JSON.stringify(rows, null, 2)}\n` : `${table}\n${flags.out !== undefined ? `plot: ${join(flags.out, 'pareto.svg')}\n` : ''}`);
    });
};
