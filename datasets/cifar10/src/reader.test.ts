import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/Either';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_BATCHES, findDataset, locateDataset, recogniseLayout, TRAIN_BATCHES } from './layout';
import { CLASS_NAMES, loadCifar10 } from './reader';
import { RECORD_BYTES } from './record-format';
import { sharedSubsetDir, syntheticBatchFiles, writeFiles } from './test-support';

const shared = sharedSubsetDir();
const haveShared = existsSync(join(shared, 'manifest.json'));
if (!haveShared) console.warn(`skipped: shared CIFAR-10 subset not found at ${shared}`);

describe.skipIf(!haveShared)('the shared subset', () => {
  it('loads 5085 training and 1017 test images whose labels are the first 1017 of each full label file', async () => {
    const data = await loadCifar10(shared);
    expect(data.layout.kind).toBe('subset');
    expect(data.layout.tag).toBe('first1017');
    expect(data.train.count).toBe(5085);
    expect(data.test.count).toBe(1017);
    expect(data.train.pixels.length).toBe(5085 * 3072);
    expect(data.classNames).toEqual(CLASS_NAMES);
    for (const b of ALL_BATCHES) {
      const full = await readFile(join(shared, `${b}.labels.u8`));
      expect(full.length).toBe(10000);
      expect([...data.batches[b].labels]).toEqual([...full.subarray(0, 1017)]);
    }
    // Training split = the five batches in order.
    const second = await readFile(join(shared, 'data_batch_2.labels.u8'));
    expect([...data.train.labels.subarray(1017, 2034)]).toEqual([...second.subarray(0, 1017)]);
    const manifest = JSON.parse(await readFile(join(shared, 'manifest.json'), 'utf8')) as {
      batches: Record<string, { first10_labels: number[] }>;
    };
    expect([...data.test.labels.subarray(0, 10)]).toEqual(manifest.batches['test_batch']?.first10_labels);
  });
});

describe('recognising a directory', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cifar10-layout-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('accepts the batches directory or its parent, official names', async () => {
    const parent = join(root, 'official');
    await writeFiles(join(parent, 'cifar-10-batches-bin'), syntheticBatchFiles(3));
    for (const dir of [parent, join(parent, 'cifar-10-batches-bin')]) {
      const layout = await locateDataset(dir);
      expect(layout.kind).toBe('official');
      expect(layout.dir).toBe(join(parent, 'cifar-10-batches-bin'));
      expect(layout.batchFiles.test_batch).toBe(join(parent, 'cifar-10-batches-bin', 'test_batch.bin'));
    }
    const data = await loadCifar10(parent);
    expect(data.train.count).toBe(15);
    expect(data.test.count).toBe(3);
  });

  it('accepts any whole number of records per file under a subset tag', async () => {
    const dir = join(root, 'subset');
    await writeFiles(dir, syntheticBatchFiles(2, 'first2'));
    const data = await loadCifar10(dir);
    expect(data.layout.tag).toBe('first2');
    expect(data.train.count).toBe(10);
  });

  it('names a missing batch file', async () => {
    const names = [...syntheticBatchFiles(1).keys()].filter((n) => n !== 'data_batch_3.bin');
    const r = recogniseLayout('/d', names);
    expect(E.isLeft(r) && r.left.message).toBe('missing file: /d/data_batch_3.bin');
  });

  it('says why a python copy or an empty directory is not accepted', async () => {
    const py = recogniseLayout('/p', ['data_batch_1', 'test_batch', 'batches.meta']);
    expect(E.isLeft(py) && py.left.message).toMatch(/python \(pickle\) version.*binary version/);
    const none = await findDataset(join(root, 'nope'));
    expect(E.isLeft(none) && none.left.message).toMatch(/no such directory/);
    // A file where the directory should be exists: saying "no such directory" sent the user looking for it.
    const file = join(root, 'a-file');
    await writeFile(file, 'x');
    const notDir = await findDataset(file);
    expect(E.isLeft(notDir) && notDir.left.message).toBe(`${file}: is a file, not a directory (give the directory that holds the batches)`);
  });

  it('rejects a truncated batch file with its path and offset, and a file deleted after locating', async () => {
    const dir = join(root, 'broken');
    const files = new Map(syntheticBatchFiles(2));
    files.set('data_batch_4.bin', files.get('data_batch_4.bin')!.subarray(0, RECORD_BYTES + 100));
    await writeFiles(dir, files);
    await expect(loadCifar10(dir)).rejects.toThrow(`${join(dir, 'data_batch_4.bin')}: ${RECORD_BYTES + 100} bytes`);
    await expect(loadCifar10(dir)).rejects.toThrow(`offset ${RECORD_BYTES}`);
    await writeFile(join(dir, 'data_batch_4.bin'), files.get('data_batch_1.bin')!);
    const layout = await locateDataset(dir);
    await rm(join(dir, TRAIN_BATCHES[1]! + '.bin'));
    await expect(loadCifar10(layout)).rejects.toThrow(`missing file: ${join(dir, 'data_batch_2.bin')}`);
  });

  it('rejects a malformed batches.meta.txt', async () => {
    const dir = join(root, 'meta');
    const files = new Map(syntheticBatchFiles(1));
    files.set('batches.meta.txt', new TextEncoder().encode('cat\ndog\n'));
    await writeFiles(dir, files);
    await expect(loadCifar10(dir)).rejects.toThrow(/batches\.meta\.txt: expected 10 class names/);
  });
});
