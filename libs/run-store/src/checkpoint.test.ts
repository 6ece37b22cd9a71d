import { mkdtemp, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { test, fc } from '@fast-check/vitest';

// A switch the tests flip to make the commit rename (checkpoint.json) fail: a crash between the blob and the marker.
const crash = vi.hoisted(() => ({ onRenameTo: undefined as string | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    rename: async (from: string, to: string) => {
      if (crash.onRenameTo !== undefined && to.endsWith(crash.onRenameTo)) throw new Error('simulated crash');
      return actual.rename(from, to);
    },
  };
});

const { saveCheckpoint, loadCheckpoint, readCheckpointMeta, CHECKPOINT_JSON } = await import('./checkpoint');

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'run-store-'));

const sample = (epoch: number) => ({
  meta: { epoch, note: 'x' },
  tensors: {
    'cell0/w': { shape: [2, 3], dtype: 'float32' as const, data: Float32Array.from([1, 2, 3, 4, 5, 6].map((v) => v * epoch)) },
    step: { shape: [], dtype: 'int32' as const, data: Int32Array.from([epoch]) },
  },
});

afterEach(() => {
  crash.onRenameTo = undefined;
});

describe('saveCheckpoint / loadCheckpoint', () => {
  it('returns undefined when there is no checkpoint', async () => {
    expect(await loadCheckpoint(await tempDir())).toBeUndefined();
  });

  test.prop([fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9/._-]{0,12}$/), fc.array(fc.float({ noNaN: true }), { maxLength: 20 }), { maxKeys: 5 }), fc.jsonValue()], { numRuns: 20 })(
    'round-trips tensors and metadata exactly',
    async (arrays, meta) => {
      const dir = await tempDir();
      const tensors = Object.fromEntries(
        Object.entries(arrays).map(([k, v]) => [k, { shape: [v.length], dtype: 'float32' as const, data: Float32Array.from(v) }]),
      );
      await saveCheckpoint(dir, { meta, tensors });
      const loaded = await loadCheckpoint(dir);
      expect(loaded?.meta).toEqual(JSON.parse(JSON.stringify(meta ?? null)) ?? null);
      expect(Object.keys(loaded?.tensors ?? {}).sort()).toEqual(Object.keys(tensors).sort());
      for (const [k, v] of Object.entries(tensors)) {
        expect(loaded?.tensors[k]?.shape).toEqual(v.shape);
        expect(Array.from(loaded?.tensors[k]?.data ?? [])).toEqual(Array.from(v.data));
      }
    },
  );

  it('keeps int32 tensors as int32', async () => {
    const dir = await tempDir();
    await saveCheckpoint(dir, sample(3));
    const loaded = await loadCheckpoint(dir);
    expect(loaded?.tensors['step']?.data).toBeInstanceOf(Int32Array);
    expect(Array.from(loaded?.tensors['step']?.data ?? [])).toEqual([3]);
  });

  it('leaves the previous checkpoint loadable when a save is interrupted before the commit marker', async () => {
    const dir = await tempDir();
    await saveCheckpoint(dir, sample(1));
    crash.onRenameTo = CHECKPOINT_JSON;
    await expect(saveCheckpoint(dir, sample(2))).rejects.toThrow('simulated crash');
    crash.onRenameTo = undefined;
    // The interrupted save left its blob behind, but checkpoint.json still names the old one.
    expect((await readdir(dir)).filter((f) => f.endsWith('.bin')).length).toBe(2);
    const loaded = await loadCheckpoint(dir);
    expect(loaded?.meta).toEqual({ epoch: 1, note: 'x' });
    expect(Array.from(loaded?.tensors['cell0/w']?.data ?? [])).toEqual([1, 2, 3, 4, 5, 6]);
    // The next successful save commits and cleans up the stale blobs.
    await saveCheckpoint(dir, sample(3));
    expect((await readdir(dir)).filter((f) => f.endsWith('.bin')).length).toBe(1);
    expect((await loadCheckpoint(dir))?.meta).toEqual({ epoch: 3, note: 'x' });
  });

  it('leaves the previous checkpoint loadable when the blob rename itself is interrupted', async () => {
    const dir = await tempDir();
    await saveCheckpoint(dir, sample(1));
    crash.onRenameTo = '.bin';
    await expect(saveCheckpoint(dir, sample(2))).rejects.toThrow('simulated crash');
    crash.onRenameTo = undefined;
    expect((await loadCheckpoint(dir))?.meta).toEqual({ epoch: 1, note: 'x' });
  });

  it('rejects a truncated blob, naming the file', async () => {
    const dir = await tempDir();
    await saveCheckpoint(dir, sample(1));
    const blob = (await readdir(dir)).find((f) => f.endsWith('.bin'))!;
    await truncate(join(dir, blob), 10);
    await expect(loadCheckpoint(dir)).rejects.toThrow(new RegExp(`${blob}.*truncated.*expected 28 bytes, found 10`));
  });

  it('rejects a blob whose bytes changed, naming the file', async () => {
    const dir = await tempDir();
    await saveCheckpoint(dir, sample(1));
    const blob = (await readdir(dir)).find((f) => f.endsWith('.bin'))!;
    const bytes = await readFile(join(dir, blob));
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    await writeFile(join(dir, blob), bytes);
    await expect(loadCheckpoint(dir)).rejects.toThrow(new RegExp(`${blob}.*sha256`));
  });

  it('rejects a truncated index, naming checkpoint.json', async () => {
    const dir = await tempDir();
    await saveCheckpoint(dir, sample(1));
    await truncate(join(dir, CHECKPOINT_JSON), 20);
    await expect(loadCheckpoint(dir)).rejects.toThrow(/checkpoint\.json.*not valid JSON/);
  });

  it('reads the metadata from the index alone, and names a truncated index as corrupt (resume read it with a bare JSON.parse)', async () => {
    const dir = await tempDir();
    expect(await readCheckpointMeta(dir)).toBeUndefined();
    await saveCheckpoint(dir, sample(2));
    expect(await readCheckpointMeta(dir)).toEqual({ epoch: 2, note: 'x' });
    await truncate(join(dir, CHECKPOINT_JSON), 20);
    await expect(readCheckpointMeta(dir)).rejects.toThrow(`${join(dir, CHECKPOINT_JSON)}: checkpoint index is not valid JSON (truncated or corrupt)`);
  });

  it('refuses a tensor whose data does not match its shape', async () => {
    const dir = await tempDir();
    await expect(
      saveCheckpoint(dir, { meta: {}, tensors: { w: { shape: [4], dtype: 'float32', data: new Float32Array(3) } } }),
    ).rejects.toThrow(/'w'.*needs 4 values, got 3/);
  });
});
