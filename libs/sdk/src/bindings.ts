import { multiplierOf, multipliersOf, runMultiplierOf, type CellOpSets, type Operation } from '@approx-darts/search-space';
import { isFp32 } from '@approx-darts/multipliers';
import { loadMultiplierTable, type LutOptions } from '@approx-darts/io';
import type { ApproxBinding } from '@approx-darts/kernels';

/** How an approximate convolution quantizes (libs/quantization/SPEC.md); the default is asymmetric per-tensor, as TFApprox. */
export type Quantization = ApproxBinding['quantization'];

/** The run's multiplier choice: a table name or path, `null` (or 'fp32') for exact float, absent for "as bound". */
export type RunMultiplier = string | null | undefined;

/**
 * Loads the tables a run of `sets` uses and returns each op's binding (`runMultiplierOf`'s rule): absent, every
 * bound op on its own table; null or 'fp32', all exact; a table, that table on the ops the sets bind, or on every
 * approximable op when they bind none. Each table is read once, from `lut.lutDir`, $APPROX_DARTS_LUT_DIR or
 * ../shared/multipliers.
 */
export const loadBindings = async (
  sets: CellOpSets,
  multiplier: RunMultiplier,
  lut: LutOptions = {},
  quantization: Quantization = 'asymmetric',
): Promise<(op: Operation) => ApproxBinding | null> => {
  const run = multiplier === null || (multiplier !== undefined && isFp32(multiplier)) ? null : multiplier;
  const bind = async (name: string): Promise<ApproxBinding> => ({ table: await loadMultiplierTable(name, lut), quantization, perChannelWeights: false });
  if (run !== undefined) {
    const binding = run === null ? null : await bind(run);
    const tableOf = runMultiplierOf(sets, binding?.table.name ?? null);
    return (op) => (tableOf(op) === undefined ? null : binding);
  }
  const bindings = new Map(await Promise.all(multipliersOf(sets).map(async (name) => [name, await bind(name)] as const)));
  return (op) => {
    const name = multiplierOf(op);
    return name === undefined ? null : (bindings.get(name) ?? null);
  };
};
