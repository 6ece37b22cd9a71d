import { constants, existsSync, readFileSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { access, mkdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { acquireRunLock, CHECKPOINT_JSON, exitOnInterrupt, removeDeadWritersTemps, RunLockedError, type InterruptSignal } from '@approx-darts/run-store';
import { RunDirectoryError } from '../run-errors';
import { CONFIG_FILES } from './config-files';

/** What a run directory holds, told by its config file. */
export type RunKind = 'search' | 'train';

/** The config file of each kind. */
export const RUN_CONFIG_FILES: Readonly<Record<RunKind, string>> = CONFIG_FILES;
const COMMAND: Readonly<Record<RunKind, string>> = { search: 'a search', train: 'a training' };
const CHECKPOINT_DIR = 'checkpoint';

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/** The checkpoint's kind from its index alone (the blob is not read); undefined when there is none or it is unreadable. */
const checkpointKind = async (dir: string): Promise<RunKind | undefined> => {
  const text = await readFile(join(dir, CHECKPOINT_DIR, CHECKPOINT_JSON), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const kind = (JSON.parse(text) as { meta?: { kind?: unknown } }).meta?.kind;
    return kind === 'approx-darts-search' ? 'search' : kind === 'approx-darts-train' ? 'train' : undefined;
  } catch {
    return undefined;
  }
};

/** The kind of run a directory holds, if any: by its config file, else by its checkpoint. */
export const runKindIn = async (dir: string): Promise<RunKind | undefined> => {
  if (await exists(join(dir, RUN_CONFIG_FILES.search))) return 'search';
  if (await exists(join(dir, RUN_CONFIG_FILES.train))) return 'train';
  return checkpointKind(dir);
};

/** Whether a run directory has a committed checkpoint (something a resume continues from). */
export const hasCheckpoint = (dir: string): Promise<boolean> => exists(join(dir, CHECKPOINT_DIR, CHECKPOINT_JSON));

export interface RunDirectoryOptions {
  readonly dir: string;
  readonly kind: RunKind;
  /** `--out`, as the user typed it, for messages. */
  readonly flag: string;
}

/**
 * Runs `body` as the one writer of a run directory. Before anything is written it refuses a directory that holds
 * the other kind of run; then it creates the directory, takes its lock (held until `body` ends; a second writer is
 * refused, naming the holder) and removes the temporaries of writers that were killed. When a start that found no
 * checkpoint fails before committing one (a bad flag, no epoch finished), the files it wrote are removed so that
 * the retry is a fresh start, not a demand for --resume.
 */
export const inRunDirectory = async <A>(o: RunDirectoryOptions, body: () => Promise<A>): Promise<A> => {
  const other = await runKindIn(o.dir);
  if (other !== undefined && other !== o.kind)
    throw new RunDirectoryError(`--out ${o.flag}: ${o.dir} holds ${COMMAND[other]} run, not ${COMMAND[o.kind]} run; choose another --out`);
  const created = !(await exists(o.dir));
  await mkdir(o.dir, { recursive: true }).catch(async (e: unknown) => {
    throw new RunDirectoryError(`--out ${o.flag}: cannot create ${o.dir} (${await whyNotCreated(o.dir, e)})`);
  });
  const lock = await acquireRunLock(o.dir, `approx-darts ${o.kind}`).catch((e: unknown) => {
    throw e instanceof RunLockedError ? new RunDirectoryError(`--out ${o.flag}: ${e.message}`) : e;
  });
  let stopWatching = (): void => undefined;
  try {
    await removeDeadWritersTemps([o.dir, join(o.dir, CHECKPOINT_DIR)]);
    const resumable = await hasCheckpoint(o.dir);
    // Ctrl-C or Slurm's SIGTERM: the step in progress is abandoned (commits are atomic), the lock released, and a
    // start that committed nothing undone as a failed start is, so that repeating the command starts afresh.
    stopWatching = exitOnInterrupt((signal) => {
      const epoch = committedEpochSync(o.dir);
      if (epoch === undefined && !resumable) {
        for (const f of writtenByStart(o, created)) rmSync(join(o.dir, f), { recursive: true, force: true });
        lock.releaseSync();
        if (created) rmdirSafe(o.dir);
        return `interrupted (${signal}) before the first checkpoint; the start was undone: repeat the command to start again`;
      }
      lock.releaseSync();
      return interruptedLine(signal, epoch);
    });
    try {
      return await body();
    } catch (e) {
      const committed = await hasCheckpoint(o.dir);
      if (!resumable && !committed) await undoFailedStart(o, created);
      throw writeFailure(o, e, committed ? committedEpochSync(o.dir) ?? null : undefined) ?? e;
    }
  } finally {
    stopWatching();
    await lock.release();
    if (created) await rmdir(o.dir).catch(() => undefined); // only when the failed start left it empty
  }
};

/** Codes of a write the file system refused as a whole: full, over quota, read-only. */
const FULL = new Set(['ENOSPC', 'EDQUOT']);

/**
 * A write that failed because of the file system, as one line naming the file, what is kept and how to go on (the
 * bare `ENOSPC: no space left on device, write` named neither); undefined for any other error.
 */
export const writeFailure = (o: RunDirectoryOptions, e: unknown, epoch: number | null | undefined): RunDirectoryError | undefined => {
  const err = e as NodeJS.ErrnoException;
  if (typeof err !== 'object' || err === null || (err.code !== 'EROFS' && !FULL.has(err.code ?? ''))) return undefined;
  const file = err.path ?? o.dir;
  const what = err.code === 'EROFS' ? `${file} is on a read-only file system` : `no space left on the device writing ${file}`;
  const fix = err.code === 'EROFS' ? 'choose an --out on a writable file system' : 'free space';
  const kept =
    epoch === undefined
      ? `nothing was committed and the start was undone: ${fix} and repeat the command`
      : `${epoch === null ? 'the last checkpoint' : `the checkpoint of epoch ${epoch}`} is intact: ${fix} and repeat the command with --resume`;
  return new RunDirectoryError(`--out ${o.flag}: ${what}; ${kept}`);
};

/** Why a run directory could not be made: a read-only file system or a missing permission, named at the ancestor that exists. */
const whyNotCreated = async (dir: string, e: unknown): Promise<string> => {
  const code = (e as NodeJS.ErrnoException).code;
  let at = dir;
  while (!(await exists(at)) && dirname(at) !== at) at = dirname(at);
  if (code === 'EROFS') return `${at} is on a read-only file system`;
  const writable = await access(at, constants.W_OK).then(
    () => undefined,
    (x: NodeJS.ErrnoException) => x.code,
  );
  if (writable === 'EROFS') return `${at} is on a read-only file system`;
  if (code === 'EACCES' || writable === 'EACCES') return `no permission to write in ${at}`;
  if (code === 'ENOTDIR') return `${at} is a file, not a directory`;
  return e instanceof Error ? e.message : String(e);
};

const interruptedLine = (signal: InterruptSignal, epoch: number | null | undefined): string =>
  epoch === undefined || epoch === null
    ? `interrupted (${signal}); the last checkpoint is intact: repeat the command with --resume`
    : `interrupted (${signal}) at epoch ${epoch + 1}; the checkpoint of epoch ${epoch} is intact: repeat the command with --resume`;

const rmdirSafe = (dir: string): void => {
  try {
    rmdirSync(dir);
  } catch {
    // not empty: something else was there
  }
};

/** The epochs of the committed checkpoint, read synchronously from its index; undefined when there is none, null when unreadable. */
const committedEpochSync = (dir: string): number | null | undefined => {
  const path = join(dir, CHECKPOINT_DIR, CHECKPOINT_JSON);
  if (!existsSync(path)) return undefined;
  try {
    const epoch = (JSON.parse(readFileSync(path, 'utf8')) as { meta?: { epoch?: unknown } }).meta?.epoch;
    return typeof epoch === 'number' ? epoch : null;
  } catch {
    return null;
  }
};

/** The files a start writes before its first checkpoint (the plots of a finished epoch come with a checkpoint). */
// What a start writes before its first checkpoint: the run config, the epoch records (JSONL and CSV), TensorBoard event
// files (libs/run-store/src/tf-events.ts names them events.out.tfevents.*) and, in a directory it created, the
// checkpoint folder. With no checkpoint committed, event files of earlier failed starts go too: nothing resumes them.
const writtenByStart = (o: RunDirectoryOptions, created: boolean): readonly string[] => [
  RUN_CONFIG_FILES[o.kind],
  'metrics.jsonl',
  'metrics.csv',
  ...listing(o.dir).filter((f) => f.startsWith('events.out.tfevents.')),
  ...(created ? [CHECKPOINT_DIR] : []),
];

const listing = (dir: string): readonly string[] => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

const undoFailedStart = async (o: RunDirectoryOptions, created: boolean): Promise<void> => {
  await Promise.all(writtenByStart(o, created).map((f) => rm(join(o.dir, f), { recursive: true, force: true })));
};
