import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as t from 'io-ts';
import { processAlive, processStart } from './process-alive';

/** The lock file of a run directory. */
export const RUN_LOCK_FILE = 'run.lock';

/**
 * Who holds a run directory: written into the lock file. `processStart` (processStart of the holder's pid) tells a
 * reused pid from the holder; locks written before it was recorded lack it.
 */
export const LockHolder = t.readonly(
  t.intersection([t.type({ pid: t.number, hostname: t.string, started: t.string, command: t.string }), t.partial({ processStart: t.string })]),
);
export type LockHolder = t.TypeOf<typeof LockHolder>;

/** Another live process writes into the run directory. */
export class RunLockedError extends Error {
  constructor(
    message: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(message);
    this.name = 'RunLockedError';
  }
}

export interface RunLock {
  readonly path: string;
  /** Removes the lock file if it is still this process's; idempotent. */
  readonly release: () => Promise<void>;
  /** The same, synchronously (for a signal handler that exits right after). */
  readonly releaseSync: () => void;
}

const readHolder = async (path: string): Promise<LockHolder | undefined | 'gone'> => {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? 'gone' : Promise.reject(e)));
  if (text === 'gone') return 'gone';
  try {
    const json = JSON.parse(text) as unknown;
    return LockHolder.is(json) ? json : undefined;
  } catch {
    return undefined;
  }
};

/** A live process under the holder's pid that started at another time than the holder did: the pid was reused. */
const reused = (h: LockHolder): boolean => {
  if (h.processStart === undefined) return false;
  const now = processStart(h.pid);
  return now !== undefined && now !== h.processStart;
};

const describe = (h: LockHolder): string => `process ${h.pid} on ${h.hostname} (${h.command}, since ${h.started})`;

/**
 * Takes the exclusive lock of a run directory (which must exist) for the life of this process. The lock file is
 * made whole in a temporary and then hard-linked into place, which fails when a lock exists: two starters can
 * never both win, and no reader sees a half-written lock. A lock whose process is dead (killed: no exit handler
 * ran, or its pid now belongs to a process that started later) is stale and taken over, so a killed run can be
 * resumed; a live holder is refused, naming it. The file is removed by `release` and, as a fallback, when the
 * process exits. `file` names the lock (a sweep directory's is sweep.lock).
 */
export const acquireRunLock = async (dir: string, command: string, file: string = RUN_LOCK_FILE): Promise<RunLock> => {
  const path = join(dir, file);
  const start = processStart(process.pid);
  const me: LockHolder = { pid: process.pid, hostname: hostname(), started: new Date().toISOString(), command, ...(start !== undefined ? { processStart: start } : {}) };
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(me)}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(tmp, path);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw e;
      }
      const holder = await readHolder(path);
      if (holder === 'gone') continue;
      if (holder === undefined)
        throw new RunLockedError(`${path} is not a lock this program wrote; if no run uses ${dir}, delete it and retry`, undefined);
      if (holder.hostname !== me.hostname)
        throw new RunLockedError(`${dir} is in use by ${describe(holder)}; if that run is gone, delete ${path} and retry`, holder);
      if (holder.pid === process.pid) throw new RunLockedError(`${dir} is already in use by this process`, holder);
      if (processAlive(holder.pid) && !reused(holder))
        throw new RunLockedError(
          `${dir} is in use by ${describe(holder)}; wait for it to finish or stop it (kill ${holder.pid}); if process ${holder.pid} is not that run, the lock is stale: delete ${path} and retry`,
          holder,
        );
      // Stale: its process died. Remove it only if it is still that one (another starter may have replaced it).
      const again = await readHolder(path);
      if (again !== 'gone' && again !== undefined && again.pid === holder.pid && again.started === holder.started)
        await unlink(path).catch(() => undefined);
    }
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  let held = true;
  const releaseSync = (): void => {
    if (!held) return;
    held = false;
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  };
  process.once('exit', releaseSync);
  return {
    path,
    releaseSync: () => {
      process.removeListener('exit', releaseSync);
      releaseSync();
    },
    release: async () => {
      if (!held) return;
      process.removeListener('exit', releaseSync);
      const holder = await readHolder(path);
      if (holder !== 'gone' && holder !== undefined && holder.pid === process.pid && holder.started === me.started) await unlink(path).catch(() => undefined);
      held = false;
    },
  };
};

/** Runs `body` holding the lock of `dir` (its `file`, run.lock by default), releasing it however `body` ends. */
export const withRunLock = async <A>(dir: string, command: string, body: () => Promise<A>, file: string = RUN_LOCK_FILE): Promise<A> => {
  const lock = await acquireRunLock(dir, command, file);
  try {
    return await body();
  } finally {
    await lock.release();
  }
};
