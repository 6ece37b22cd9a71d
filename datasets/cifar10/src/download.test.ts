import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFile, type DownloadProgress } from './download';
import { fetchCifar10, OFFICIAL_ARCHIVE } from './fetch-cifar10';
import { loadCifar10 } from './reader';
import { readManifest, verifyManifest } from './manifest';
import { serveBytes, syntheticArchive, syntheticBatchFiles, type LoopbackServer } from './test-support';

// Everything here talks to a server on 127.0.0.1 that the test starts and stops; no other network.
describe('download, resume, verify, extract (loopback server)', () => {
  let root = '';
  let archive: { readonly bytes: Uint8Array; readonly md5: string };
  const servers: LoopbackServer[] = [];
  const serve = async (honourRange: boolean): Promise<LoopbackServer> => {
    const s = await serveBytes(archive.bytes, { honourRange });
    servers.push(s);
    return s;
  };
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cifar10-download-'));
    archive = await syntheticArchive(20);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await rm(root, { recursive: true, force: true });
  });

  it('fetches, checks the md5, extracts to cifar-10-batches-bin with a manifest, and loads', async () => {
    const server = await serve(true);
    const dir = join(root, 'fresh');
    const progress: DownloadProgress[] = [];
    const result = await fetchCifar10({ dir, url: server.url, md5: archive.md5, onProgress: (p) => progress.push(p) });
    expect(result.download.bytes).toBe(archive.bytes.length);
    expect(progress.at(-1)).toEqual({ receivedBytes: archive.bytes.length, totalBytes: archive.bytes.length, resumedFrom: 0 });
    expect(result.layout.dir).toBe(join(dir, 'cifar-10-batches-bin'));
    const data = await loadCifar10(dir);
    expect(data.train.count).toBe(100);
    const expected = syntheticBatchFiles(20).get('test_batch.bin')!;
    expect(Buffer.from(await readFile(join(dir, 'cifar-10-batches-bin', 'test_batch.bin'))).equals(expected)).toBe(true);
    // The unsafe tar entry '../escape.txt' was not written outside the destination.
    expect(existsSync(join(root, 'escape.txt'))).toBe(false);
    const checks = await verifyManifest(result.layout.dir, await readManifest(join(result.layout.dir, 'manifest.json')));
    expect(checks.length).toBe(7);
    expect(checks.every((c) => c.status === 'ok')).toBe(true);
    // A second fetch finds the archive in place and downloads nothing.
    const before = server.ranges.length;
    const again = await fetchCifar10({ dir, url: server.url, md5: archive.md5 });
    expect(again.download.cached).toBe(true);
    expect(server.ranges.length).toBe(before);
  });

  it('resumes a partial download with a Range request and transfers only the rest', async () => {
    const server = await serve(true);
    const dest = join(root, 'resume.tar.gz');
    const cut = Math.floor(archive.bytes.length / 3);
    await writeFile(`${dest}.part`, archive.bytes.subarray(0, cut));
    const result = await downloadFile({ url: server.url, dest, md5: archive.md5 });
    expect(server.ranges).toEqual([`bytes=${cut}-`]);
    expect(server.bytesSent()).toBe(archive.bytes.length - cut);
    expect(result.resumedFrom).toBe(cut);
    expect(Buffer.from(await readFile(dest)).equals(archive.bytes)).toBe(true);
    expect(existsSync(`${dest}.part`)).toBe(false);
  });

  it('restarts from zero when the server ignores Range', async () => {
    const server = await serve(false);
    const dest = join(root, 'norange.tar.gz');
    await writeFile(`${dest}.part`, archive.bytes.subarray(0, 100));
    const result = await downloadFile({ url: server.url, dest, md5: archive.md5 });
    expect(result.resumedFrom).toBe(0);
    expect((await stat(dest)).size).toBe(archive.bytes.length);
  });

  it('treats a complete .part (server answers 416) as done once its md5 checks', async () => {
    const server = await serve(true);
    const dest = join(root, 'complete.tar.gz');
    await writeFile(`${dest}.part`, archive.bytes);
    const result = await downloadFile({ url: server.url, dest, md5: archive.md5 });
    expect(server.bytesSent()).toBe(0);
    expect(result.bytes).toBe(archive.bytes.length);
  });

  it('rejects a wrong checksum, removing the download so the next try starts clean', async () => {
    const server = await serve(true);
    const dest = join(root, 'wrong.tar.gz');
    await expect(downloadFile({ url: server.url, dest, md5: '0'.repeat(32) })).rejects.toThrow(
      new RegExp(`wrong\\.tar\\.gz: md5 ${archive.md5} of ${archive.bytes.length} bytes, expected 0{32}`),
    );
    expect(existsSync(dest) || existsSync(`${dest}.part`)).toBe(false);
  });

  it('reports a request that fails before any answer with the URL and the reason', async () => {
    const url = 'http://127.0.0.1:9/cifar-10-binary.tar.gz';
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
    await expect(
      downloadFile({
        url,
        dest: join(root, 'z'),
        md5: archive.md5,
        transport: async () => {
          throw refused;
        },
      }),
    ).rejects.toThrow(`${url}: fetch failed (ECONNREFUSED)`);
  });

  it('reports an HTTP error with the URL', async () => {
    const server = await serve(true);
    await expect(
      downloadFile({
        url: server.url,
        dest: join(root, 'y'),
        md5: archive.md5,
        transport: async () => ({ status: 404, totalBytes: undefined, start: 0, body: (async function* () {})() }),
      }),
    ).rejects.toThrow(`${server.url}: HTTP 404`);
  });

  it('knows the official archive checksum', () => {
    expect(OFFICIAL_ARCHIVE.md5).toBe('c32a1d4ab5d03f1284b67883e8d87530');
  });
});
