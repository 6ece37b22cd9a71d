// Helpers for this package's tests: synthetic batch files, archives and a loopback HTTP server.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { ALL_BATCHES, BATCHES_DIR } from './layout';
import { createRng } from './prng';
import { encodeRecords, IMAGE_BYTES, type Records } from './record-format';
import { CLASS_NAMES } from './reader';

export const sharedSubsetDir = (): string => join(process.cwd(), '../shared/datasets/cifar-10-partial');

/** `count` records with labels cycling 0..9 (shifted by `seed`) and seeded random pixels. */
export const syntheticRecords = (count: number, seed: number): Records => {
  const rng = createRng(seed);
  const pixels = new Uint8Array(count * IMAGE_BYTES);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.nextInt(256);
  return { count, labels: Uint8Array.from({ length: count }, (_, i) => (i + seed) % 10), pixels };
};

/** Files of a synthetic official-layout copy: name -> bytes. */
export const syntheticBatchFiles = (perBatch: number, tag?: string): ReadonlyMap<string, Uint8Array> =>
  new Map<string, Uint8Array>([
    ...ALL_BATCHES.map((b, i): [string, Uint8Array] => [tag === undefined ? `${b}.bin` : `${b}.${tag}.bin`, encodeRecords(syntheticRecords(perBatch, i))]),
    ['batches.meta.txt', new TextEncoder().encode(`${CLASS_NAMES.join('\n')}\n\n`)],
  ]);

export const writeFiles = async (dir: string, files: ReadonlyMap<string, Uint8Array>): Promise<void> => {
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of files) await writeFile(join(dir, name), bytes);
};

/** A .tar.gz shaped like the official archive (files under cifar-10-batches-bin/) and its md5. */
export const syntheticArchive = async (perBatch: number): Promise<{ readonly bytes: Uint8Array; readonly md5: string }> => {
  const tar = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    tar.on('data', (c: unknown) => chunks.push(c as Buffer));
    tar.on('end', () => resolve());
    tar.on('error', reject);
  });
  tar.entry({ name: `${BATCHES_DIR}/`, type: 'directory' });
  for (const [name, bytes] of syntheticBatchFiles(perBatch)) tar.entry({ name: `${BATCHES_DIR}/${name}` }, Buffer.from(bytes));
  tar.entry({ name: '../escape.txt' }, 'must not be written');
  tar.finalize();
  await done;
  const bytes = gzipSync(Buffer.concat(chunks));
  return { bytes, md5: createHash('md5').update(bytes).digest('hex') };
};

export interface LoopbackServer {
  readonly url: string;
  /** The Range header of each request ('' when none). */
  readonly ranges: string[];
  readonly bytesSent: () => number;
  readonly close: () => Promise<void>;
}

/**
 * Serves `bytes` on 127.0.0.1 (random port). `honourRange: false` answers every request with
 * the whole file (200), like a server without range support.
 */
export const serveBytes = async (bytes: Uint8Array, opts: { readonly honourRange: boolean }): Promise<LoopbackServer> => {
  const ranges: string[] = [];
  let sent = 0;
  const server: Server = createServer((req, res) => {
    const range = req.headers.range ?? '';
    ranges.push(range);
    const m = /^bytes=(\d+)-$/.exec(range);
    const start = opts.honourRange && m?.[1] !== undefined ? Number(m[1]) : 0;
    if (start >= bytes.length && start > 0) {
      res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
      return;
    }
    const body = bytes.subarray(start);
    sent += body.length;
    res.writeHead(start > 0 ? 206 : 200, {
      'content-length': String(body.length),
      ...(start > 0 ? { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
    });
    res.end(body);
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // Self-stopping: never outlives a stuck test.
  const guard = setTimeout(() => server.close(), 60_000);
  guard.unref();
  return {
    url: `http://127.0.0.1:${port}/cifar-10-binary.tar.gz`,
    ranges,
    bytesSent: () => sent,
    close: async () => {
      clearTimeout(guard);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
