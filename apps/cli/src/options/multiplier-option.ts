import { entryByName, isFp32, paperPowerMw } from '@approx-darts/multipliers';
import { loadMultiplierTable, lutDirProblem, MultiplierFileError, readMultiplierMetadata } from '@approx-darts/io';
import type { ApproxBinding } from '@approx-darts/kernels';
import { CliError } from '../cli-error';

/** The approximate binding of `--multiplier` (null for fp32); a bad table is a CliError naming the file. */
export const loadBinding = async (multiplier: string, lutDir: string | undefined, quantization: ApproxBinding['quantization']): Promise<ApproxBinding | null> => {
  // A --lut-dir that does not exist is refused even for fp32: the energy report reads it too, after the run.
  const problem = await lutDirProblem(lutDir);
  if (problem !== undefined) throw new CliError(problem);
  if (isFp32(multiplier)) return null;
  try {
    const table = await loadMultiplierTable(multiplier, { lutDir });
    return { table, quantization, perChannelWeights: false };
  } catch (e) {
    if (e instanceof MultiplierFileError) throw new CliError(`--multiplier ${multiplier}: ${e.message}`);
    throw e;
  }
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
