import * as E from 'fp-ts/Either';
import { dataSearchPath, findDataset, loadCifar10, syntheticCifar10, type DatasetLayout, type LabelledSplits } from '@approx-darts/cifar10';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_BESIDE_INSTALL } from '@approx-darts/io';
import { CliError } from '../cli-error';

/** The `--data` flag as every data-using command declares it (commander `.option(...DATA_OPTION)`). */
export const DATA_OPTION = [
  '--data <dir>',
  'CIFAR-10 directory (binary batches or their parent), or `synthetic` for a small generated stand-in; default $APPROX_DARTS_DATA, then the cache of `approx-darts data fetch`',
] as const;

export interface DataContext {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}

/**
 * Resolves `--data DIR`: the first of --data, $APPROX_DARTS_DATA and the cache directory that
 * holds CIFAR-10. An explicit --data that holds none is an error about that directory (no
 * silent fallback); otherwise the error lists every place tried.
 */
export const resolveDataOption = async (data: string | undefined, ctx: DataContext = {}): Promise<DatasetLayout> => {
  const candidates = dataSearchPath({ data, ...(ctx.env === undefined ? {} : { env: ctx.env }), ...(ctx.cwd === undefined ? {} : { cwd: ctx.cwd }) });
  const problems: string[] = [];
  for (const dir of candidates) {
    const found = await findDataset(dir);
    if (E.isRight(found)) return found.right;
    if (data !== undefined && data !== '') throw new CliError(`--data: ${found.left.message}`);
    problems.push(`  ${found.left.message}`);
  }
  const subset = join(SHARED_BESIDE_INSTALL, 'datasets', 'cifar-10-partial');
  const hint = existsSync(subset) ? `\n(the shared subset of CIFAR-10 is at ${subset}: --data ${subset})` : '';
  throw new CliError(
    `no CIFAR-10 data found; pass --data DIR, set APPROX_DARTS_DATA, or run 'approx-darts data fetch'. Tried:\n${problems.join('\n')}${hint}`,
  );
};

/** The `--data` value that selects the generated stand-in instead of a directory. */
export const SYNTHETIC_DATA = 'synthetic';

/** resolveDataOption, then loads the copy (or generates the stand-in); read errors become CliErrors naming the file. */
export const loadDataOption = async (data: string | undefined, ctx: DataContext = {}): Promise<LabelledSplits> => {
  if (data === SYNTHETIC_DATA) return syntheticCifar10({ train: 1000, test: 200, seed: 0 });
  const layout = await resolveDataOption(data, ctx);
  try {
    return await loadCifar10(layout);
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e));
  }
};
