import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { entryByName, type MultiplierEntry } from '@approx-darts/multipliers';
import { lutSearchPath } from './lut-search-path';
import { METADATA_FILE, readMetadataFile } from './multiplier-metadata-file';
import { MultiplierFileError } from './multiplier-file-error';
import { checkLutDir, type LutOptions } from './multiplier-table-file';

/** A table found on the search path, with its metadata entry when a `multipliers.json` lists it. */
export interface RegisteredTable {
  readonly name: string;
  readonly path: string;
  readonly entry: MultiplierEntry | undefined;
}

/** The tables on the search path, and what could not be read about them (a broken multipliers.json). */
export interface TableListing {
  readonly tables: readonly RegisteredTable[];
  /** One line per unreadable metadata file; its tables are still listed, without their entries. */
  readonly problems: readonly string[];
}

/**
 * Every `.bin` table on the search path (first directory wins for a repeated name), sorted by name. A broken
 * `multipliers.json` is reported in `problems` rather than hiding every table (the files are checked by whoever
 * reads them: `multipliers list` marks a bad one and lists the rest).
 */
export const listMultiplierTables = async (opts: LutOptions = {}): Promise<TableListing> => {
  await checkLutDir(opts);
  const dirs = lutSearchPath(opts);
  const problems: string[] = [];
  const metadata = await Promise.all(
    dirs.map((dir) =>
      readMetadataFile(join(dir, METADATA_FILE)).catch((e: unknown) => {
        if (!(e instanceof MultiplierFileError && /ENOENT/.test(e.message))) problems.push(e instanceof Error ? e.message : String(e));
        return undefined;
      }),
    ),
  );
  const perDir = await Promise.all(
    dirs.map(async (dir) =>
      (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.bin')).map((f) => ({ name: f.slice(0, -4), path: join(dir, f) })),
    ),
  );
  const merged = { multipliers: metadata.flatMap((m) => m?.multipliers ?? []) };
  const byName = new Map<string, RegisteredTable>();
  for (const { name, path } of perDir.flat()) if (!byName.has(name)) byName.set(name, { name, path, entry: entryByName(merged, name) });
  return { tables: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), problems };
};
