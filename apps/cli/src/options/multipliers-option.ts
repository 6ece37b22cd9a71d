import { searchEnergyTable, type SearchEnergyTable } from '@approx-darts/energy';
import { edgeMultipliers, FP32_CHOICE, type Genotype } from '@approx-darts/genotype';
import { isFp32 } from '@approx-darts/multipliers';
import type { SearchSpace } from '@approx-darts/search-space';
import type { ApproxBinding } from '@approx-darts/kernels';
import type { MultiplierSearch } from '@approx-darts/run';
import { CliError } from '../cli-error';
import { loadBinding, multiplierPower } from './multiplier-option';

/**
 * The multiplier names of `--multipliers A,B,...[,fp32]`: each table name as its file names it (mul8u_ added when
 * missing, as --multiplier reads it), fp32 as `fp32`; at least two, no repeats.
 * @example parseMultiplierList('1JFF,mul8u_NGR,fp32') // ['mul8u_1JFF', 'mul8u_NGR', 'fp32']
 */
export const parseMultiplierList = (text: string): readonly string[] => {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (isFp32(s) ? FP32_CHOICE : s.startsWith('mul8u_') || s.endsWith('.bin') ? s : `mul8u_${s}`));
  if (names.length < 2) throw new CliError(`--multipliers ${text}: give at least two multipliers, comma-separated (one is --multiplier)`);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) throw new CliError(`--multipliers ${text}: ${repeated} is listed twice`);
  return names;
};

/** Loads every table of the set and its power, and the search network's energy table over them. */
export const loadMultiplierSearch = async (names: readonly string[], space: SearchSpace, energyWeight: number, lutDir: string | undefined): Promise<MultiplierSearch & { readonly energy: SearchEnergyTable }> => {
  const loaded = await Promise.all(
    names.map(async (name) => {
      const binding = await loadBinding(name, lutDir, 'asymmetric').catch((e: unknown) => {
        throw e instanceof CliError ? new CliError(e.message.replace('--multiplier', '--multipliers')) : e;
      });
      const tableName = binding?.table.name ?? FP32_CHOICE;
      const { powerMw } = await multiplierPower(tableName, lutDir).catch((e: unknown) => {
        throw e instanceof CliError ? new CliError(e.message.replace('--multiplier', '--multipliers')) : e;
      });
      return { name: tableName, binding, powerMw };
    }),
  );
  const energy = searchEnergyTable(space, loaded.map(({ name, powerMw }) => ({ name, powerMw })));
  return { names: loaded.map((l) => l.name), bindings: loaded.map((l) => l.binding), energy, energyWeight };
};

/**
 * The tables of the multipliers a genotype's edges name (fp32: null), for training and evaluating it: each edge
 * runs on its own table. Empty for a genotype without per-edge multipliers.
 */
export const loadEdgeBindings = async (genotype: Genotype, lutDir: string | undefined, quantization: ApproxBinding['quantization']): Promise<ReadonlyMap<string, ApproxBinding | null>> =>
  new Map(
    await Promise.all(
      edgeMultipliers(genotype).map(async (m) => {
        const binding = await loadBinding(m, lutDir, quantization).catch((e: unknown) => {
          throw e instanceof CliError ? new CliError(`genotype edge multiplier ${m}: ${e.message.replace(/^--multiplier [^:]*: /, '')}`) : e;
        });
        return [m, binding] as const;
      }),
    ),
  );
