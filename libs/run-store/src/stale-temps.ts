import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from './process-alive';

/** `<name>.tmp-<pid>`: the temporary name of `writeFileAtomic` (atomic-write.ts). */
const TEMP = /\.tmp-(\d+)$/;

/**
 * Removes the temporaries of atomic writes whose writer died (killed between its write and its rename) from
 * `dirs`; a temporary of a live process is left alone. Each kill of a run leaves one behind, about the size of a
 * checkpoint blob, so a run sweeps its directories when it starts. Missing directories are skipped.
 * Returns the removed paths.
 */
export const removeDeadWritersTemps = async (dirs: readonly string[]): Promise<readonly string[]> => {
  const found = await Promise.all(
    dirs.map(async (dir) =>
      (await readdir(dir).catch(() => [] as string[]))
        .filter((f) => {
          const pid = TEMP.exec(f)?.[1];
          return pid !== undefined && Number(pid) !== process.pid && !processAlive(Number(pid));
        })
        .map((f) => join(dir, f)),
    ),
  );
  const stale = found.flat();
  await Promise.all(stale.map((p) => rm(p, { force: true })));
  return stale;
};
