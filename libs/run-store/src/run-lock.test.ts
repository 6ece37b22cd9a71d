import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireRunLock, RUN_LOCK_FILE, withRunLock } from './run-lock';
import { removeDeadWritersTemps } from './stale-temps';

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'run-lock-'));

/** The id of a process that has exited (a child run to completion). */
const deadPid = (): number => {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid;
};

const lockOf = (pid: number) => ({ pid, hostname: hostname(), started: '2026-01-01T00:00:00.000Z', command: 'search' });

describe('acquireRunLock', () => {
  it('writes the holder, refuses a second taker while held, and is gone after release', async () => {
    const dir = await tempDir();
    const lock = await acquireRunLock(dir, 'search');
    expect(JSON.parse(await readFile(join(dir, RUN_LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, command: 'search' });
    await expect(acquireRunLock(dir, 'search')).rejects.toThrow(/already in use by this process/);
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
    await withRunLock(dir, 'train', async () => expect(await readdir(dir)).toEqual([RUN_LOCK_FILE]));
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a lock held by a live process, naming its id', async () => {
    const dir = await tempDir();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      await writeFile(join(dir, RUN_LOCK_FILE), JSON.stringify(lockOf(child.pid!)));
      await expect(acquireRunLock(dir, 'search')).rejects.toThrow(new RegExp(`in use by process ${child.pid} on .*kill ${child.pid}`));
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('takes over the lock of a process that died (a killed run can be resumed)', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, RUN_LOCK_FILE), JSON.stringify(lockOf(deadPid())));
    const lock = await acquireRunLock(dir, 'search');
    expect(JSON.parse(await readFile(lock.path, 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('refuses a lock file it cannot read, naming it', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, RUN_LOCK_FILE), 'garbage');
    await expect(acquireRunLock(dir, 'search')).rejects.toThrow(/run\.lock is not a lock this program wrote/);
  });
});

describe('removeDeadWritersTemps', () => {
  it("removes the temporaries of dead writers and keeps live ones'", async () => {
    const dir = await tempDir();
    const dead = deadPid();
    await writeFile(join(dir, `metrics.jsonl.tmp-${dead}`), 'x');
    await writeFile(join(dir, `a.bin.tmp-${process.pid}`), 'x');
    await writeFile(join(dir, 'keep.json'), 'x');
    expect(await removeDeadWritersTemps([dir, join(dir, 'missing')])).toEqual([join(dir, `metrics.jsonl.tmp-${dead}`)]);
    expect((await readdir(dir)).sort()).toEqual([`a.bin.tmp-${process.pid}`, 'keep.json']);
  });
});

describe('acquireRunLock and reused process ids', () => {
  it('records the holder start time and takes over a lock whose pid now belongs to a process that started later', async () => {
    const dir = await tempDir();
    const lock = await acquireRunLock(dir, 'search');
    const mine = JSON.parse(await readFile(lock.path, 'utf8')) as { processStart?: string };
    await lock.release();
    if (mine.processStart === undefined) {
      console.log('skipped: no /proc/PID/stat on this system, a reused pid cannot be told from its holder');
      return;
    }
    expect(mine.processStart).toMatch(/^\d+$/);
    // A live unrelated process (this test) under the recorded pid, but with another start time than the holder had.
    await writeFile(join(dir, RUN_LOCK_FILE), JSON.stringify({ ...lockOf(process.ppid), processStart: '1' }));
    const taken = await acquireRunLock(dir, 'search');
    expect(JSON.parse(await readFile(taken.path, 'utf8')).pid).toBe(process.pid);
    await taken.release();
  });

  it('refuses a live holder with its own start time, saying how to remove a lock known to be stale', async () => {
    const dir = await tempDir();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 200));
      const start = (await readFile(`/proc/${child.pid}/stat`, 'utf8').catch(() => '')).split(') ')[1]?.split(' ')[19];
      await writeFile(join(dir, RUN_LOCK_FILE), JSON.stringify({ ...lockOf(child.pid!), ...(start !== undefined ? { processStart: start } : {}) }));
      await expect(acquireRunLock(dir, 'search')).rejects.toThrow(`the lock is stale: delete ${join(dir, RUN_LOCK_FILE)} and retry`);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('locks under another file name (a sweep directory holds sweep.lock)', async () => {
    const dir = await tempDir();
    const lock = await acquireRunLock(dir, 'sweep run', 'sweep.lock');
    await expect(acquireRunLock(dir, 'sweep run', 'sweep.lock')).rejects.toThrow(/already in use by this process/);
    expect(await readdir(dir)).toEqual(['sweep.lock']);
    await lock.release();
  });
});
