import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type { Genotype } from '@approx-darts/genotype';
import type { Padding } from '@approx-darts/network-plan';
import type { Macro } from '@approx-darts/search-space';
import { fromDartsStateDict, parseNpz, type NamedTensor } from '@approx-darts/interop';
import { initialEvalParams } from '@approx-darts/run';
import { CliError } from '../cli-error';

/**
 * `--init-from FILE`: a DARTS `state_dict` as `.npz` (docs/INTEROP.md) read into our parameter names and layouts
 * for `genotype` on `macro`; a file of another genotype or size is refused naming the first tensor that does not fit.
 */
export const loadDartsWeights = async (
  file: string,
  flag: string,
  network: { readonly genotype: Genotype; readonly macro: Macro; readonly seed: number; readonly padding: Padding },
): Promise<{ readonly params: Record<string, NamedTensor>; readonly sha256: string }> => {
  const bytes = await readFile(file).catch((e: unknown) => {
    throw new CliError(`${flag} ${file}: not readable (${e instanceof Error ? e.message : String(e)})`);
  });
  try {
    const dict = parseNpz(new Uint8Array(bytes), file);
    const shapes = await initialEvalParams(network.genotype, network.macro, network.seed, network.padding);
    const params = fromDartsStateDict(dict, network.genotype, network.macro, 'auxiliary_head.classifier.weight' in dict, (n) => shapes[n]?.shape);
    return { params, sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch (e) {
    throw new CliError(`${flag} ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
};
