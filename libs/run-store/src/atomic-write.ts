import { open, rename, rm, appendFile } from 'node:fs/promises';

/** The temporary name a write goes to before its rename; unique per process so concurrent writers never collide. */
export const tempPathFor = (path: string): string => `${path}.tmp-${process.pid}`;

/**
 * Writes `data` to `path` so that readers see either the old file or the complete new one:
 * write `path.tmp-<pid>`, fsync it, then rename over `path` (atomic on POSIX filesystems).
 */
export const writeFileAtomic = async (path: string, data: string | Uint8Array): Promise<void> => {
  const tmp = tempPathFor(path);
  const handle = await open(tmp, 'w').catch(naming(path));
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (e) {
    await handle.close();
    await rm(tmp, { force: true });
    throw naming(path)(e);
  }
  await handle.close();
  await rename(tmp, path).catch(naming(path));
};

/**
 * A failed write names no file when it fails in write(2) (`ENOSPC: no space left on device, write`): the file it
 * was for is recorded as the error's `path`, so that the message can say which one.
 */
const naming =
  (path: string) =>
  (e: unknown): never => {
    const err = e as NodeJS.ErrnoException;
    if (typeof err === 'object' && err !== null && err.code !== undefined) err.path = path;
    throw e;
  };

/** `writeFileAtomic` of pretty-printed JSON followed by a newline. */
export const writeJsonAtomic = (path: string, value: unknown): Promise<void> =>
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);

/** Appends one record as a JSON line (metrics logs: one line per epoch or step). */
export const appendJsonl = (path: string, record: unknown): Promise<void> =>
  appendFile(path, `${JSON.stringify(record)}\n`).catch(naming(path));
