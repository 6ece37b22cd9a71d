import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipe } from 'fp-ts/function';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { MultiplierMetadata } from '@approx-darts/multipliers';
import { MultiplierFileError } from './multiplier-file-error';
import { lutSearchPath } from './lut-search-path';
import { checkLutDir, type LutOptions } from './multiplier-table-file';

/** The metadata file's name in a table directory. */
export const METADATA_FILE = 'multipliers.json';

/**
 * One line on why a `multipliers.json` is not metadata: its top-level shape when that is wrong (an array, a
 * string), else the first problems by path. The full io-ts report ran to kilobytes.
 */
const shapeProblem = (json: unknown, errs: t.Errors): string => {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return `is ${Array.isArray(json) ? 'a JSON array' : json === null ? 'null' : `a JSON ${typeof json}`}; expected an object {"multipliers": [...]}`;
  // Keys under an intersection or a union number its members, not the data: leave them out of the path.
  const member = (parent: t.Decoder<unknown, unknown> | undefined): boolean => {
    const inner = parent instanceof t.ReadonlyType ? (parent.type as t.Decoder<unknown, unknown>) : parent;
    return inner instanceof t.IntersectionType || inner instanceof t.UnionType;
  };
  const paths = [
    ...new Set(
      errs.map((e) =>
        e.context
          .filter((c, i) => c.key !== '' && !member(e.context[i - 1]?.type))
          .map((c) => c.key)
          .join('.'),
      ),
    ),
  ];
  return `not valid metadata at ${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ` and ${paths.length - 3} more` : ''}`;
};

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
        E.mapLeft((errs) => new MultiplierFileError(`multiplier metadata ${path}: ${shapeProblem(j, errs)}`, path)),
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
  await checkLutDir(opts);
  const found = await Promise.all(
    lutSearchPath(opts).map((dir) => readMetadataFile(join(dir, METADATA_FILE)).catch((e: unknown) => (isMissing(e) ? undefined : Promise.reject(e)))),
  );
  const entries = found.flatMap((m) => m?.multipliers ?? []);
  const seen = new Set<string>();
  return { multipliers: entries.filter((m) => (seen.has(m.name) ? false : (seen.add(m.name), true))) };
};

const isMissing = (e: unknown): boolean => e instanceof MultiplierFileError && /ENOENT/.test(e.message);
