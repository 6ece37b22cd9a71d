import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shared data folder beside the repository (or beside the install, whose layout is the same: this file sits at
 * libs/io/src under the root), found from this module's location so a command run from any directory finds it.
 */
export const SHARED_BESIDE_INSTALL = fileURLToPath(new URL('../../../../shared', import.meta.url));

/**
 * Where multiplier tables are looked for, in order: --lut-dir, $APPROX_DARTS_LUT_DIR, ../shared/multipliers beside
 * the working directory, then shared/multipliers beside the repository (the same place when run from its root).
 */
export const lutSearchPath = (opts: {
  readonly lutDir?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}): readonly string[] => {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const dirs = [opts.lutDir, env['APPROX_DARTS_LUT_DIR'], resolve(cwd, '../shared/multipliers'), resolve(SHARED_BESIDE_INSTALL, 'multipliers')]
    .filter((d): d is string => typeof d === 'string' && d.length > 0)
    .map((d) => resolve(cwd, d));
  return [...new Set(dirs)];
};

/**
 * Refuses a `--lut-dir` that is not a directory. Without this a mistyped one was skipped silently and the tables
 * came from the next directory of the search path, which the user did not ask for. Returns the error message, or
 * undefined when it is fine (or not given).
 */
export const lutDirProblem = async (lutDir: string | undefined, cwd: string = process.cwd()): Promise<string | undefined> => {
  if (lutDir === undefined || lutDir === '') return lutDir === '' ? "--lut-dir: '' is not a directory" : undefined;
  const path = resolve(cwd, lutDir);
  const info = await stat(path).catch(() => undefined);
  return info === undefined ? `--lut-dir ${lutDir}: no such directory (${path})` : info.isDirectory() ? undefined : `--lut-dir ${lutDir}: not a directory (${path})`;
};
