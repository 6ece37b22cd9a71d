import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as t from 'io-ts';
import { processAlive } from './process-alive';

/** The lock file of a run directory. */
export const RUN_LOCK_FILE = 'run.lock';

/** Who holds a run directory: written into the lock file. */
export const LockHolder = t.readonly(t.type({ pid: t.number, hostname: t.string, started: t.string, command: t.string }));
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

const describe = (h: LockHolder): string => `process ${h.pid} on ${h.hostname} (${h.command}, since ${h.started})`;

/**
 * Takes the exclusive lock of a run directory (which must exist) for the life of this process. The lock file is
 * made whole in a temporary and then hard-linked into place, which fails when a lock exists: two starters can
 * never both win, and no reader sees a half-written lock. A lock whose process is dead (killed: no exit handler
 * ran) is stale and taken over, so a killed run can be resumed; a live holder is refused, naming it. The file is
 * removed by `release` and, as a fallback, when the process exits.
 */
export const acquireRunLock = async (dir: string, command: string): Promise<RunLock> => {
  const path = join(dir, RUN_LOCK_FILE);
  const me: LockHolder = { pid: process.pid, hostname: hostname(), started: new Date().toISOString(), command };
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
      if (processAlive(holder.pid))
        throw new RunLockedError(`${dir} is in use by ${describe(holder)}; wait for it to finish or stop it (kill ${holder.pid})`, holder);
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
    release: async () => {
      if (!held) return;
      process.removeListener('exit', releaseSync);
      const holder = await readHolder(path);
      if (holder !== 'gone' && holder !== undefined && holder.pid === process.pid && holder.started === me.started) await unlink(path).catch(() => undefined);
      held = false;
    },
  };
};

/** Runs `body` holding the lock of `dir`, releasing it however `body` ends. */
export const withRunLock = async <A>(dir: string, command: string, body: () => Promise<A>): Promise<A> => {
  const lock = await acquireRunLock(dir, command);
  try {
    return await body();
  } finally {
    await lock.release();
  }
};
