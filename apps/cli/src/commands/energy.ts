import type { Command } from 'commander';
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { evalNetworkPlan, planTotals } from '@approx-darts/network-plan';
import { networkEnergyByLayer, DEFAULT_ENERGY_MODEL } from '@approx-darts/energy';
import { edgeMultipliers, FP32_CHOICE } from '@approx-darts/genotype';
import { EXACT_MULTIPLIER } from '@approx-darts/multipliers';
import { PAPER_EVAL_MACRO, reductionPositions } from '@approx-darts/search-space';
import { CliError } from '../cli-error';
import { decodeFlags, PositiveIntFromString } from '../options/flags';
import { loadGenotypeOption } from '../options/genotype-option';
import { multiplierPower } from '../options/multiplier-option';

const EnergyFlags = t.type({ channels: PositiveIntFromString, cells: PositiveIntFromString, classes: PositiveIntFromString });

export const register = (program: Command): void => {
  program
    .command('energy')
    .description('Parameters, MACs and arithmetic energy of an evaluation network (sep/dil convs on the chosen multiplier)')
    .option('--genotype <file-or-name>', 'genotype file (JSON or DARTS Python text) or DARTS_V1 / DARTS_V2', 'DARTS_V2')
    .option('--channels <C>', `initial channels (default ${PAPER_EVAL_MACRO.channels}, the paper's evaluation network, as train's paper preset)`, String(PAPER_EVAL_MACRO.channels))
    .option('--cells <L>', `cells (default ${PAPER_EVAL_MACRO.cells})`, String(PAPER_EVAL_MACRO.cells))
    .option('--classes <n>', 'classes', '10')
    .option('--multiplier <list>', 'mul8u_XXX (or XXX) for every sep/dil conv (or the ops the genotype\'s op sets bind), or fp32; a comma-separated list reports each (as eval --multiplier does)', 'fp32')
    .option('--lut-dir <dir>', 'directory searched first for multipliers.json')
    .option('--json', 'print JSON')
    .option('--layers', 'include the per-layer breakdown')
    .action(async (opts: { genotype: string; multiplier: string; lutDir?: string; json?: boolean; layers?: boolean } & Record<string, unknown>) => {
      const { channels, cells, classes } = decodeFlags(EnergyFlags, opts);
      const genotype = await loadGenotypeOption(opts.genotype);
      const names = opts.multiplier.split(',').map((m) => m.trim()).filter((m) => m !== '');
      if (names.length === 0) throw new CliError(`--multiplier '${opts.multiplier}': name at least one multiplier (mul8u_XXX, XXX or fp32)`);
      const reports = [];
      for (const m of names) reports.push(await reportOf(m));
      if (opts.json) return void process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0]!.report : reports.map((r) => r.report), null, 2)}\n`);
      process.stdout.write(`${reports.map((r) => r.text).join('\n\n')}\n`);

      async function reportOf(multiplier: string) {
        const { name, powerMw } = await multiplierPower(multiplier, opts.lutDir);
        // The auxiliary head reads the map after the second reduction: a network of one cell has none (train refuses it).
        const auxiliary = reductionPositions(cells).length >= 2;
        // fp32 still marks the approximable layers (on the exact table) so the exact-8-bit baseline means the same thing.
        const plan = pipe(
          evalNetworkPlan(genotype, { channels, cells, classes, auxiliary, multiplier: powerMw === null ? EXACT_MULTIPLIER : name }),
          E.getOrElseW((e) => {
            throw new CliError(`--genotype ${opts.genotype}: ${e.message}`);
          }),
        );
        const totals = planTotals(plan);
        // Edges that name their own multiplier (an energy-aware search) are charged at its power, the rest at the run's.
        const edgePowers = new Map(
          await Promise.all(
            edgeMultipliers(genotype)
              .filter((m) => m !== FP32_CHOICE)
              .map(async (m) => {
                const p = await multiplierPower(m, opts.lutDir).catch((e: unknown) => {
                  throw e instanceof CliError ? new CliError(`--genotype ${opts.genotype}: ${e.message.replace(/^--multiplier /, 'edge multiplier ')}`) : e;
                });
                return [m, p.powerMw] as const;
              }),
          ),
        );
        const energy = networkEnergyByLayer(plan, (m) => (m !== null && edgePowers.has(m) ? (edgePowers.get(m) ?? null) : powerMw));
        const mixed = edgeMultipliers(genotype).length > 0;
        const report = {
          genotype: opts.genotype,
          channels,
          cells,
          multiplier: mixed ? `per edge (${[...edgeMultipliers(genotype)].join(', ')}; others ${name})` : name,
          power_mw: powerMw,
          params: totals.params,
          params_auxiliary: totals.paramsAuxiliary,
          macs: totals.macs,
          approx_macs: energy.approxMults,
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
                  return { ...l, approximate: e?.approximate ?? false, mults: e?.mults ?? 0, adds: e?.adds ?? 0, energy_pj: e?.energyPj ?? 0 };
                }),
              }
            : {}),
        };
        // fp32 saves nothing against itself: its row says so instead of printing 0 % (and exact 8-bit likewise).
        const saving = (pct: number, self: boolean): string => (self ? '— (this is the baseline)' : `${pct.toFixed(2)} %`);
        const lines = [
          `genotype ${opts.genotype}, C=${channels}, ${cells} cells, multiplier ${report.multiplier}${powerMw === null ? '' : ` (${powerMw} mW)`}`,
          `params              ${report.params} (${(report.params / 1e6).toFixed(2)} M; ${auxiliary ? `auxiliary head ${report.params_auxiliary} more` : 'no auxiliary head: it needs 2 cells'})`,
          `MACs                ${report.macs} (${(report.macs / 1e6).toFixed(1)} M), approximate ${report.approx_macs}`,
          `energy              ${report.energy_uj.toFixed(2)} uJ per image (fp32 ${report.fp32_energy_uj.toFixed(2)}, exact 8-bit ${report.exact8_energy_uj.toFixed(2)})`,
          `saving vs fp32      ${saving(report.saving_vs_fp32_pct, powerMw === null && !mixed)}`,
          `saving vs exact 8b  ${saving(report.saving_vs_exact8_pct, name === EXACT_MULTIPLIER && !mixed)}`,
          ...(opts.layers
            ? ['', `${'layer'.padEnd(48)}${'kind'.padEnd(10)}${'mults'.padStart(12)}${'energy pJ'.padStart(14)}  multiplier`,
               ...energy.layers.map((l, i) => `${l.path.padEnd(48)}${l.kind.padEnd(10)}${String(l.mults).padStart(12)}${l.energyPj.toFixed(0).padStart(14)}  ${l.approximate ? (plan.layers.filter((x) => !x.auxiliary)[i]?.multiplier ?? '') : ''}`)]
            : []),
        ];
        return { report, text: lines.join('\n') };
      }
    });
};
