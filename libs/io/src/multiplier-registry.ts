import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { entryByName, type MultiplierEntry } from '@approx-darts/multipliers';
import { lutSearchPath } from './lut-search-path';
import { readMultiplierMetadata } from './multiplier-metadata-file';
import type { LutOptions } from './multiplier-table-file';

/** A table found on the search path, with its metadata entry when a `multipliers.json` lists it. */
export interface RegisteredTable {
  readonly name: string;
  readonly path: string;
  readonly entry: MultiplierEntry | undefined;
}

/** Every `.bin` table on the search path (first directory wins for a repeated name), sorted by name. */
export const listMultiplierTables = async (opts: LutOptions = {}): Promise<readonly RegisteredTable[]> => {
  const metadata = await readMultiplierMetadata(opts);
  const perDir = await Promise.all(
    lutSearchPath(opts).map(async (dir) =>
      (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.bin')).map((f) => ({ name: f.slice(0, -4), path: join(dir, f) })),
    ),
  );
  const byName = new Map<string, RegisteredTable>();
  for (const { name, path } of perDir.flat()) if (!byName.has(name)) byName.set(name, { name, path, entry: entryByName(metadata, name) });
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
};
