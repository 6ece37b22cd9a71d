import { searchEnergyTable, type SearchEnergyTable } from '@approx-darts/energy';
import { FP32_CHOICE } from '@approx-darts/genotype';
import { isFp32 } from '@approx-darts/multipliers';
import type { SearchSpace } from '@approx-darts/search-space';
import type { MultiplierSearch } from '@approx-darts/backend';
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
