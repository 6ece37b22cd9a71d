import { readFile, stat, readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { closeNames, isFp32, TABLE_BYTES, tableFromBytes, type MultiplierTable } from '@approx-darts/multipliers';
import { MultiplierFileError } from './multiplier-file-error';
import { lutDirProblem, lutSearchPath } from './lut-search-path';

/** Throws the MultiplierFileError of a `--lut-dir` that does not exist (see lutDirProblem). */
export const checkLutDir = async (opts: LutOptions): Promise<void> => {
  const problem = await lutDirProblem(opts.lutDir, opts.cwd);
  if (problem !== undefined) throw new MultiplierFileError(problem, opts.lutDir ?? '');
};

/** Options shared by the table loaders: an extra directory searched first. */
export interface LutOptions {
  readonly lutDir?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}

const exists = async (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Reads one `.bin` table file, checking it is a regular file of exactly 131072 bytes. */
export const readTableFile = async (path: string, name = basename(path).replace(/\.bin$/, '')): Promise<MultiplierTable> => {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new MultiplierFileError(`multiplier table ${path}: no such file (expected a ${TABLE_BYTES}-byte table)`, path);
  if (!info.isFile()) throw new MultiplierFileError(`multiplier table ${path}: is not a regular file (expected a ${TABLE_BYTES}-byte table)`, path);
  const bytes = new Uint8Array(await readFile(path));
  const table = tableFromBytes(name, bytes);
  if (!table) {
    const why = bytes.length < TABLE_BYTES ? 'truncated' : 'too large';
    throw new MultiplierFileError(
      `multiplier table ${path}: ${why}, ${bytes.length} bytes, expected ${TABLE_BYTES} bytes (65536 little-endian uint16)`,
      path,
    );
  }
  return table;
};

/** Names of the `mul8u_*.bin` tables in a directory (empty when it does not exist). */
const tablesIn = async (dir: string): Promise<readonly string[]> =>
  readdir(dir).then(
    (files) => files.filter((f) => f.endsWith('.bin')).map((f) => f.slice(0, -'.bin'.length)),
    () => [],
  );

/** Whether an argument is a file path rather than a table name. */
const looksLikePath = (nameOrPath: string): boolean => nameOrPath.endsWith('.bin') || nameOrPath.includes('/') || nameOrPath.includes('\\');

/**
 * Loads a multiplier table by name (`mul8u_NGR`, or the bare `NGR`) through the search path
 * (--lut-dir, $APPROX_DARTS_LUT_DIR, ../shared/multipliers), or from a `.bin` path.
 * `fp32` is not a table: callers handle it before calling this.
 */
export const loadMultiplierTable = async (nameOrPath: string, opts: LutOptions = {}): Promise<MultiplierTable> => {
  if (isFp32(nameOrPath)) throw new MultiplierFileError(`'${nameOrPath}' means exact float arithmetic, not a multiplier table`, nameOrPath);
  await checkLutDir(opts);
  if (looksLikePath(nameOrPath)) return readTableFile(resolve(opts.cwd ?? process.cwd(), nameOrPath));
  const dirs = lutSearchPath(opts);
  const names = nameOrPath.startsWith('mul8u_') ? [nameOrPath] : [nameOrPath, `mul8u_${nameOrPath}`];
  for (const dir of dirs)
    for (const name of names) {
      const path = join(dir, `${name}.bin`);
      if (await exists(path)) return readTableFile(path, name);
    }
  const known = [...new Set((await Promise.all(dirs.map(tablesIn))).flat())];
  const close = closeNames(nameOrPath, known);
  throw new MultiplierFileError(
    [
      `unknown multiplier '${nameOrPath}': no ${names.map((n) => `${n}.bin`).join(' or ')} in ${dirs.join(', ')}`,
      close.length > 0 ? `did you mean ${close.join(', ')}?` : `(${known.length} tables found there; try 'approx-darts multipliers list')`,
      'pass --lut-dir DIR (or set APPROX_DARTS_LUT_DIR) for tables elsewhere',
    ].join('; '),
    nameOrPath,
  );
};
