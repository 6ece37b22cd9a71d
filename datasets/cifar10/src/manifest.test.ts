import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/Either';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashFile } from './checksum';
import { decodeManifest, readManifest, verifyManifest, writeManifest } from './manifest';
import { sharedSubsetDir, syntheticBatchFiles, writeFiles } from './test-support';

const shared = sharedSubsetDir();
const haveShared = existsSync(join(shared, 'manifest.json'));
if (!haveShared) console.warn(`skipped: shared CIFAR-10 subset not found at ${shared}`);

describe.skipIf(!haveShared)('the shared subset manifest', () => {
  it('is a valid manifest input and every file it lists checks out', async () => {
    const entries = await readManifest(join(shared, 'manifest.json'));
    expect(entries.map((e) => e.file)).toContain('data_batch_1.first1017.bin');
    expect(entries).toHaveLength(12);
    const checks = await verifyManifest(shared, entries);
    expect(checks.filter((c) => c.status !== 'ok')).toEqual([]);
  });

  it('flags a copy with one changed byte, and a missing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cifar10-manifest-'));
    try {
      const entries = await readManifest(join(shared, 'manifest.json'));
      const bin = await readFile(join(shared, 'test_batch.first1017.bin'));
      bin[5000] = (bin[5000]! + 1) % 256;
      await writeFile(join(dir, 'test_batch.first1017.bin'), bin);
      await copyFile(join(shared, 'test_batch.labels.u8'), join(dir, 'test_batch.labels.u8'));
      const checks = await verifyManifest(
        dir,
        entries.filter((e) => e.file.startsWith('test_batch') || e.file.startsWith('data_batch_1.first')),
      );
      const status = Object.fromEntries(checks.map((c) => [c.file, c.status]));
      expect(status).toEqual({
        'test_batch.first1017.bin': 'digest-mismatch',
        'test_batch.labels.u8': 'ok',
        'data_batch_1.first1017.bin': 'missing',
      });
      expect(checks.find((c) => c.status === 'digest-mismatch')?.detail).toContain(join(dir, 'test_batch.first1017.bin'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('own manifest', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cifar10-own-manifest-'));
    await writeFiles(dir, syntheticBatchFiles(2));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes sha256 and sizes that an independent hash agrees with, and verifies them', async () => {
    const manifest = await writeManifest(dir, [join(dir, 'data_batch_1.bin'), join(dir, 'test_batch.bin')]);
    const bytes = await readFile(join(dir, 'test_batch.bin'));
    expect(manifest.files['test_batch.bin']).toEqual({ bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    const entries = await readManifest(join(dir, 'manifest.json'));
    expect((await verifyManifest(dir, entries)).map((c) => c.status)).toEqual(['ok', 'ok']);
    await writeFile(join(dir, 'test_batch.bin'), bytes.subarray(1));
    expect((await verifyManifest(dir, entries)).map((c) => c.status)).toEqual(['ok', 'size-mismatch']);
  });

  it('checks md5 entries (upper-case hex accepted) and rejects a wrong one', async () => {
    const bytes = await readFile(join(dir, 'data_batch_2.bin'));
    const md5 = createHash('md5').update(bytes).digest('hex');
    const ok = decodeManifest({ format: 'approx-darts/cifar10-manifest@1', files: { 'data_batch_2.bin': { md5: md5.toUpperCase() } } });
    expect(E.isRight(ok)).toBe(true);
    if (E.isRight(ok)) expect((await verifyManifest(dir, ok.right))[0]?.status).toBe('ok');
    const wrong = decodeManifest({ format: 'approx-darts/cifar10-manifest@1', files: { 'data_batch_2.bin': { md5: '0'.repeat(32) } } });
    if (E.isRight(wrong)) expect((await verifyManifest(dir, wrong.right))[0]?.status).toBe('digest-mismatch');
    expect((await hashFile(join(dir, 'data_batch_2.bin'), ['md5'])).digests.md5).toBe(md5);
  });

  it('rejects JSON that is neither manifest format, and a malformed digest', async () => {
    expect(E.isLeft(decodeManifest({ files: 3 }))).toBe(true);
    expect(E.isLeft(decodeManifest({ format: 'approx-darts/cifar10-manifest@1', files: { a: { sha256: 'xyz' } } }))).toBe(true);
    await writeFile(join(dir, 'bad.json'), '{ not json');
    await expect(readManifest(join(dir, 'bad.json'))).rejects.toThrow(/bad\.json: cannot read manifest/);
  });
});
