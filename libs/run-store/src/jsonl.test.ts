import { appendFile, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendJsonl, writeJsonAtomic } from './atomic-write';
import { readJsonl, truncateJsonl } from './jsonl';

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
