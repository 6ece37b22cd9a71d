import { appendFile, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// A switch that makes the rename of an atomic write fail: a kill between writing the temporary and renaming it.
const crash = vi.hoisted(() => ({ onRename: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    rename: async (from: string, to: string) => {
      if (crash.onRename) throw new Error('simulated crash');
      return actual.rename(from, to);
    },
  };
});
const { appendJsonl, writeJsonAtomic } = await import('./atomic-write');
const { readJsonl, truncateJsonl } = await import('./jsonl');

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'run-store-'));

describe('JSONL metrics', () => {
  it('appends records that read back in order', async () => {
    const path = join(await tempDir(), 'metrics.jsonl');
    await appendJsonl(path, { epoch: 0, loss: 2.3 });
    await appendJsonl(path, { epoch: 1, loss: 1.9 });
    expect(await readJsonl(path)).toEqual([{ epoch: 0, loss: 2.3 }, { epoch: 1, loss: 1.9 }]);
    expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(3);
  });

  it('reads a missing file as empty and drops a torn last line', async () => {
    const dir = await tempDir();
    expect(await readJsonl(join(dir, 'none.jsonl'))).toEqual([]);
    const path = join(dir, 'm.jsonl');
    await appendJsonl(path, { epoch: 0 });
    await appendFile(path, '{"epoch": 1, "lo');
    expect(await readJsonl(path)).toEqual([{ epoch: 0 }]);
  });

  it('names the file and line of a malformed record in the middle', async () => {
    const path = join(await tempDir(), 'm.jsonl');
    await appendFile(path, '{"a":1}\nnot json\n{"a":2}\n');
    await expect(readJsonl(path)).rejects.toThrow(/m\.jsonl: line 2/);
  });

  it('truncates to the records a resume keeps', async () => {
    const path = join(await tempDir(), 'm.jsonl');
    for (const epoch of [0, 1, 2, 3]) await appendJsonl(path, { epoch });
    await truncateJsonl(path, (r) => (r as { epoch: number }).epoch < 2);
    expect(await readJsonl(path)).toEqual([{ epoch: 0 }, { epoch: 1 }]);
  });
  it('keeps the whole log when the truncating rewrite is interrupted', async () => {
    const dir = await tempDir();
    const path = join(dir, 'm.jsonl');
    for (const epoch of [0, 1, 2]) await appendJsonl(path, { epoch });
    crash.onRename = true;
    await expect(truncateJsonl(path, (r) => (r as { epoch: number }).epoch < 1)).rejects.toThrow('simulated crash');
    crash.onRename = false;
    expect(await readJsonl(path)).toEqual([{ epoch: 0 }, { epoch: 1 }, { epoch: 2 }]);
  });
});

describe('writeJsonAtomic', () => {
  it('replaces the file and leaves no temporary behind', async () => {
    const dir = await tempDir();
    const path = join(dir, 'config.json');
    await writeJsonAtomic(path, { a: 1 });
    await writeJsonAtomic(path, { a: 2 });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ a: 2 });
    expect(await readdir(dir)).toEqual(['config.json']);
  });
});
