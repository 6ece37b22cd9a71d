import { resolve } from 'node:path';

/** Where multiplier tables are looked for, in order: --lut-dir, $APPROX_DARTS_LUT_DIR, ../shared/multipliers beside the cwd. */
export const lutSearchPath = (opts: {
  readonly lutDir?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}): readonly string[] => {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  return [opts.lutDir, env['APPROX_DARTS_LUT_DIR'], resolve(cwd, '../shared/multipliers')]
    .filter((d): d is string => typeof d === 'string' && d.length > 0)
    .map((d) => resolve(cwd, d));
};
