import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { pipe } from 'fp-ts/function';
import { builtinGenotype, decodeGenotypeJson, parsePythonGenotype, type Genotype } from '@approx-darts/genotype';
import { evalNetworkPlan, planTotals } from '@approx-darts/network-plan';
import { networkEnergy, DEFAULT_ENERGY_MODEL } from '@approx-darts/energy';
import { entryByName, EXACT_MULTIPLIER, isFp32, paperPowerMw } from '@approx-darts/multipliers';
import { MultiplierFileError, readMultiplierMetadata } from '@approx-darts/io';
import { CliError } from '../cli-error';

/** A positive integer given as a flag's text. */
const PositiveIntFromString = new t.Type<number, string, unknown>(
  'PositiveIntFromString',
  (u): u is number => typeof u === 'number' && Number.isInteger(u) && u > 0,
  (u, c) => (typeof u === 'string' && /^[1-9]\d*$/.test(u) ? t.success(Number(u)) : t.failure(u, c, 'expected a positive integer')),
  String,
);

const EnergyFlags = t.type({ channels: PositiveIntFromString, cells: PositiveIntFromString, classes: PositiveIntFromString });

const decodeFlags = (opts: Record<string, unknown>): t.TypeOf<typeof EnergyFlags> =>
  pipe(
    EnergyFlags.decode(opts),
    E.getOrElseW((errs) => {
      const bad = errs.map((e) => `--${e.context[1]?.key ?? '?'}: '${String(e.value)}' is not a positive integer`);
      throw new CliError([...new Set(bad)].join('; '));
    }),
  );

/** `--genotype`: a built-in name (DARTS_V1, DARTS_V2), or a file holding a genotype as JSON or as DARTS's Python text. */
export const loadGenotypeOption = async (arg: string): Promise<Genotype> => {
  const builtin = builtinGenotype(arg);
  if (O.isSome(builtin)) return builtin.value;
  const text = await readFile(arg, 'utf8').catch((e: unknown) => {
    throw new CliError(`--genotype ${arg}: not a built-in genotype (DARTS_V1, DARTS_V2) and not a readable file (${e instanceof Error ? e.message : String(e)})`);
  });
  const parsed = pipe(
    E.tryCatch(() => JSON.parse(text) as unknown, () => 'not JSON'),
    E.fold(
      () => parsePythonGenotype(text),
      (json) => decodeGenotypeJson(json),
    ),
  );
  return pipe(
    parsed,
    E.getOrElseW((problem) => {
      throw new CliError(`--genotype ${arg}: ${problem}`);
    }),
  );
};

/** The power (mW) of a multiplier name: multipliers.json on the search path, else the paper's figure; null for fp32. */
export const multiplierPower = async (name: string, lutDir: string | undefined): Promise<{ readonly name: string; readonly powerMw: number | null }> => {
  if (isFp32(name)) return { name: 'fp32', powerMw: null };
  const full = name.startsWith('mul8u_') ? name : `mul8u_${name}`;
  const metadata = await readMultiplierMetadata({ lutDir }).catch((e: unknown) => {
    throw e instanceof MultiplierFileError ? new CliError(e.message) : e;
  });
  const power = entryByName(metadata, full)?.library_published?.power_mW ?? paperPowerMw(full);
  if (power === undefined) throw new CliError(`--multiplier ${name}: no power figure for ${full} (not in multipliers.json on the search path, not one of the paper's four)`);
  return { name: full, powerMw: power };
};

export const register = (program: Command): void => {
  program
    .command('energy')
    .description('Parameters, MACs and arithmetic energy of an evaluation network (sep/dil convs on the chosen multiplier)')
    .option('--genotype <file-or-name>', 'genotype file (JSON or DARTS Python text) or DARTS_V1 / DARTS_V2', 'DARTS_V2')
    .option('--channels <C>', 'initial channels', '36')
    .option('--cells <L>', 'cells', '20')
    .option('--classes <n>', 'classes', '10')
    .option('--multiplier <name>', 'mul8u_XXX (or XXX) for every sep/dil conv, or fp32', 'fp32')
    .option('--lut-dir <dir>', 'directory searched first for multipliers.json')
    .option('--json', 'print JSON')
    .option('--layers', 'include the per-layer breakdown')
    .action(async (opts: { genotype: string; multiplier: string; lutDir?: string; json?: boolean; layers?: boolean } & Record<string, unknown>) => {
      const { channels, cells, classes } = decodeFlags(opts);
      const genotype = await loadGenotypeOption(opts.genotype);
      const { name, powerMw } = await multiplierPower(opts.multiplier, opts.lutDir);
      // fp32 still marks the approximable layers (on the exact table) so the exact-8-bit baseline means the same thing.
      const plan = pipe(
        evalNetworkPlan(genotype, { channels, cells, classes, auxiliary: true, multiplier: powerMw === null ? EXACT_MULTIPLIER : name }),
        E.getOrElseW((e) => {
          throw new CliError(`--genotype ${opts.genotype}: ${e.message}`);
        }),
      );
      const totals = planTotals(plan);
      const energy = networkEnergy(plan, powerMw);
      const report = {
        genotype: opts.genotype,
        channels,
        cells,
        multiplier: name,
        power_mw: powerMw,
        params: totals.params,
        params_auxiliary: totals.paramsAuxiliary,
        macs: totals.macs,
        approx_macs: powerMw === null ? 0 : totals.approxMacs,
        mults: energy.mults,
        adds: energy.adds,
        energy_uj: energy.energyPj / 1e6,
        fp32_energy_uj: energy.fp32EnergyPj / 1e6,
        exact8_energy_uj: energy.exact8EnergyPj / 1e6,
        saving_vs_fp32_pct: energy.savingVsFp32Pct,
        saving_vs_exact8_pct: energy.savingVsExact8Pct,
        model: DEFAULT_ENERGY_MODEL,
        ...(opts.layers
          ? {
              layers: plan.layers.map((l) => {
                const e = energy.layers.find((x) => x.path === l.path);
                return { ...l, mults: e?.mults ?? 0, adds: e?.adds ?? 0, energy_pj: e?.energyPj ?? 0 };
              }),
            }
          : {}),
      };
      if (opts.json) return void process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      const lines = [
        `genotype ${opts.genotype}, C=${channels}, ${cells} cells, multiplier ${name}${powerMw === null ? '' : ` (${powerMw} mW)`}`,
        `params              ${report.params} (${(report.params / 1e6).toFixed(2)} M; auxiliary head ${report.params_auxiliary} more)`,
        `MACs                ${report.macs} (${(report.macs / 1e6).toFixed(1)} M), approximate ${report.approx_macs}`,
        `energy              ${report.energy_uj.toFixed(2)} uJ per image (fp32 ${report.fp32_energy_uj.toFixed(2)}, exact 8-bit ${report.exact8_energy_uj.toFixed(2)})`,
        `saving vs fp32      ${report.saving_vs_fp32_pct.toFixed(2)} %`,
        `saving vs exact 8b  ${report.saving_vs_exact8_pct.toFixed(2)} %`,
        ...(opts.layers
          ? ['', `${'layer'.padEnd(48)}${'kind'.padEnd(10)}${'mults'.padStart(12)}${'energy pJ'.padStart(14)}  approx`,
             ...energy.layers.map((l) => `${l.path.padEnd(48)}${l.kind.padEnd(10)}${String(l.mults).padStart(12)}${l.energyPj.toFixed(0).padStart(14)}  ${l.approximate ? 'yes' : ''}`)]
          : []),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
};
