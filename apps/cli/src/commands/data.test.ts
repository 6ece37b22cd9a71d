import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORD_BYTES } from '@approx-darts/cifar10';
import { serveBytes, sharedSubsetDir, syntheticArchive, syntheticBatchFiles, writeFiles, type LoopbackServer } from '@approx-darts/cifar10/testing';

const cli = resolve(process.cwd(), 'apps/cli/bin/approx-darts.mjs');
const run = async (args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  promisify(execFile)('node', [cli, ...args], { timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
  );

const shared = sharedSubsetDir();
const haveShared = existsSync(join(shared, 'manifest.json'));
if (!haveShared) console.warn(`skipped: shared CIFAR-10 subset not found at ${shared}`);

describe('approx-darts data', () => {
  let root = '';
  let server: LoopbackServer | undefined;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cli-data-'));
  });
  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it.skipIf(!haveShared)('info --json --verify reports the shared subset with checksums ok', async () => {
    const r = await run(['data', 'info', shared, '--json', '--verify']);
    expect(r.stderr).not.toMatch(/approx-darts:/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      layout: string;
      splits: { train: { images: number; perClass: number[] }; test: { images: number } };
      verification: { ok: boolean; files: unknown[]; labels: unknown[] };
    };
    expect(report.layout).toBe('subset');
    expect(report.splits.train.images).toBe(5085);
    expect(report.splits.test.images).toBe(1017);
    expect(report.splits.train.perClass.reduce((a, b) => a + b, 0)).toBe(5085);
    expect(report.verification.ok).toBe(true);
    expect(report.verification.files).toHaveLength(12);
    expect(report.verification.labels).toHaveLength(6);
  });

  it('info exits 1 naming the file for a truncated batch, and for --verify without a manifest', async () => {
    const dir = join(root, 'broken');
    const files = new Map(syntheticBatchFiles(2));
    files.set('test_batch.bin', files.get('test_batch.bin')!.subarray(0, RECORD_BYTES + 7));
    await writeFiles(dir, files);
    const r = await run(['data', 'info', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'test_batch.bin')}: ${RECORD_BYTES + 7} bytes is not a whole number`);
    await writeFile(join(dir, 'test_batch.bin'), files.get('data_batch_1.bin')!);
    const v = await run(['data', 'info', dir, '--verify']);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain('no manifest.json to verify against');
  });

  it('fetch downloads from a loopback server, verifies, extracts; info --verify then passes', async () => {
    const archive = await syntheticArchive(10);
    server = await serveBytes(archive.bytes, { honourRange: true });
    const dir = join(root, 'fetched');
    const bad = await run(['data', 'fetch', '--dir', dir, '--url', server.url, '--no-progress']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/md5 [0-9a-f]{32} of \d+ bytes, expected c32a1d4ab5d03f1284b67883e8d87530/);
    const ok = await run(['data', 'fetch', '--dir', dir, '--url', server.url, '--md5', archive.md5]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`extracted to ${join(dir, 'cifar-10-batches-bin')}`);
    const info = await run(['data', 'info', dir, '--verify', '--json']);
    expect(info.code).toBe(0);
    expect((JSON.parse(info.stdout) as { splits: { train: { images: number } } }).splits.train.images).toBe(50);
  });

  it('rejects a malformed --md5', async () => {
    const r = await run(['data', 'fetch', '--dir', join(root, 'x'), '--md5', 'abc']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/data fetch: bad options/);
  });
});
