import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipe } from 'fp-ts/function';
import * as E from 'fp-ts/Either';
import { PathReporter } from 'io-ts/PathReporter';
import { MultiplierMetadata } from '@approx-darts/multipliers';
import { MultiplierFileError } from './multiplier-file-error';
import { lutSearchPath } from './lut-search-path';
import type { LutOptions } from './multiplier-table-file';

/** The metadata file's name in a table directory. */
export const METADATA_FILE = 'multipliers.json';

/** Reads and validates one `multipliers.json`. */
export const readMetadataFile = async (path: string): Promise<MultiplierMetadata> => {
  const text = await readFile(path, 'utf8').catch((e: unknown) => {
    throw new MultiplierFileError(`multiplier metadata ${path}: cannot read (${e instanceof Error ? e.message : String(e)})`, path);
  });
  const json = E.tryCatch(
    () => JSON.parse(text) as unknown,
    (e) => new MultiplierFileError(`multiplier metadata ${path}: not JSON (${e instanceof Error ? e.message : String(e)})`, path),
  );
  return pipe(
    json,
    E.chainW((j) =>
      pipe(
        MultiplierMetadata.decode(j),
        E.mapLeft((errs) => new MultiplierFileError(`multiplier metadata ${path}: ${PathReporter.report(E.left(errs)).join('; ')}`, path)),
      ),
    ),
    E.getOrElseW((e) => {
      throw e;
    }),
  );
};

/**
 * The metadata of every directory on the search path that has a `multipliers.json`, merged; a name listed in an
 * earlier directory wins (so --lut-dir can override the shared data).
 */
export const readMultiplierMetadata = async (opts: LutOptions = {}): Promise<MultiplierMetadata> => {
  const found = await Promise.all(
    lutSearchPath(opts).map((dir) => readMetadataFile(join(dir, METADATA_FILE)).catch((e: unknown) => (isMissing(e) ? undefined : Promise.reject(e)))),
  );
  const entries = found.flatMap((m) => m?.multipliers ?? []);
  const seen = new Set<string>();
  return { multipliers: entries.filter((m) => (seen.has(m.name) ? false : (seen.add(m.name), true))) };
};

const isMissing = (e: unknown): boolean => e instanceof MultiplierFileError && /ENOENT/.test(e.message);
