import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The cache directory that `data fetch` fills: $XDG_CACHE_HOME/approx-darts or ~/.cache/approx-darts. */
export const cacheDir = (env: Readonly<Record<string, string | undefined>> = process.env): string =>
  join(env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'approx-darts');

/** Where CIFAR-10 is looked for, in order: --data, $APPROX_DARTS_DATA, the cache directory. */
export const dataSearchPath = (opts: {
  readonly data?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}): readonly string[] => {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  return [opts.data, env['APPROX_DARTS_DATA'], join(cacheDir(env), 'cifar-10-batches-bin')]
    .filter((d): d is string => typeof d === 'string' && d.length > 0)
    .map((d) => resolve(cwd, d));
};
