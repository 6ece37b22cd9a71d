import { mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendJsonl, tempPathFor, writeFileAtomic } from '@approx-darts/run-store';
import { inRunDirectory } from './run-directory';

const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'run-directory-'));
const haveDevFull = existsSync('/dev/full');
if (!haveDevFull) console.warn('skipped: no /dev/full here to fail writes with ENOSPC');

/** An error as fs reports a refused write of `path`. */
const fsError = (code: string, path: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: refused, write`), { code, path });

describe('inRunDirectory when the file system refuses a write', () => {
  it.skipIf(!haveDevFull)('names the file a full disk refused (a write(2) error names none), and says the start was undone', async () => {
    const dir = join(await tmp(), 'run');
    // /dev/full fails every write with ENOSPC, as a full disk does; the temporary of an atomic write is sent there.
    const body = async (): Promise<void> => {
      await writeFile(join(dir, 'run-config.json'), '{}');
      await symlink('/dev/full', tempPathFor(join(dir, 'metrics.json')));
      await writeFileAtomic(join(dir, 'metrics.json'), 'x'.repeat(10));
    };
    await expect(inRunDirectory({ dir, kind: 'search', flag: 'out/run' }, body)).rejects.toThrow(
      `--out out/run: no space left on the device writing ${join(dir, 'metrics.json')}; nothing was committed and the start was undone: free space and repeat the command`,
    );
    expect(existsSync(join(dir, 'run-config.json'))).toBe(false);
    await expect(appendJsonl('/dev/full', {})).rejects.toMatchObject({ code: 'ENOSPC', path: '/dev/full' });
  });

  it('says the last checkpoint is intact and to resume, when one was committed', async () => {
    const dir = await tmp();
    await mkdir(join(dir, 'checkpoint'));
    await writeFile(join(dir, 'checkpoint', 'checkpoint.json'), JSON.stringify({ meta: { epoch: 3 } }));
    const full = inRunDirectory({ dir, kind: 'train', flag: dir }, () => Promise.reject(fsError('ENOSPC', join(dir, 'metrics.jsonl'))));
    await expect(full).rejects.toThrow(
      `--out ${dir}: no space left on the device writing ${join(dir, 'metrics.jsonl')}; the checkpoint of epoch 3 is intact: free space and repeat the command with --resume`,
    );
    const readOnly = inRunDirectory({ dir, kind: 'train', flag: dir }, () => Promise.reject(fsError('EROFS', join(dir, 'config.json'))));
    await expect(readOnly).rejects.toThrow(
      `--out ${dir}: ${join(dir, 'config.json')} is on a read-only file system; the checkpoint of epoch 3 is intact: choose an --out on a writable file system and repeat the command with --resume`,
    );
    expect(await readdir(dir)).toEqual(['checkpoint']); // the lock went with the run
  });

  it('names a file in the way of the directory to create', async () => {
    const parent = await tmp();
    await writeFile(join(parent, 'file'), 'x');
    const dir = join(parent, 'file', 'run');
    await expect(inRunDirectory({ dir, kind: 'search', flag: 'x' }, () => Promise.resolve())).rejects.toThrow(
      `--out x: cannot create ${dir} (${join(parent, 'file')} is a file, not a directory)`,
    );
  });

  it('passes other errors on unchanged', async () => {
    const dir = await tmp();
    await expect(inRunDirectory({ dir, kind: 'search', flag: 'x' }, () => Promise.reject(new Error('plain')))).rejects.toThrow(/^plain$/);
  });
});

describe('inRunDirectory undoing a failed start', () => {
  it('removes every file a start writes before its first checkpoint, event files and CSV included', async () => {
    const parent = await tmp();
    const created = join(parent, 'new');
    const body = async (dir: string): Promise<never> => {
      for (const f of ['run-config.json', 'metrics.jsonl', 'metrics.csv', 'events.out.tfevents.1796697437.host']) await writeFile(join(dir, f), '{}');
      throw new Error('diverged in epoch 1');
    };
    await expect(inRunDirectory({ dir: created, kind: 'search', flag: 'new' }, () => body(created))).rejects.toThrow('diverged in epoch 1');
    expect(existsSync(created)).toBe(false);
    // A directory that was there before keeps what the start did not write.
    const kept = join(parent, 'old');
    await mkdir(kept);
    await writeFile(join(kept, 'notes.txt'), 'mine');
    await expect(inRunDirectory({ dir: kept, kind: 'search', flag: 'old' }, () => body(kept))).rejects.toThrow('diverged in epoch 1');
    expect(await readdir(kept)).toEqual(['notes.txt']);
  });
});
