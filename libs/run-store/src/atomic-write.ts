import { open, rename, rm, appendFile } from 'node:fs/promises';

/** The temporary name a write goes to before its rename; unique per process so concurrent writers never collide. */
export const tempPathFor = (path: string): string => `${path}.tmp-${process.pid}`;

/**
 * Writes `data` to `path` so that readers see either the old file or the complete new one:
 * write `path.tmp-<pid>`, fsync it, then rename over `path` (atomic on POSIX filesystems).
 */
export const writeFileAtomic = async (path: string, data: string | Uint8Array): Promise<void> => {
  const tmp = tempPathFor(path);
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (e) {
    await handle.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  await rename(tmp, path);
};

/** `writeFileAtomic` of pretty-printed JSON followed by a newline. */
export const writeJsonAtomic = (path: string, value: unknown): Promise<void> =>
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);

/** Appends one record as a JSON line (metrics logs: one line per epoch or step). */
export const appendJsonl = (path: string, record: unknown): Promise<void> =>
  appendFile(path, `${JSON.stringify(record)}\n`);
