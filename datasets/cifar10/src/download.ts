import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { hashFile } from './checksum';
import { Cifar10DataError } from './errors';

/** One HTTP response as the downloader needs it; `start` is the byte the body begins at. */
export interface TransportResponse {
  readonly status: number;
  /** Size of the whole file when the server says (Content-Range total, or Content-Length of a 200). */
  readonly totalBytes: number | undefined;
  /** First byte of the body within the file (from Content-Range; 0 for a 200). */
  readonly start: number;
  readonly body: AsyncIterable<Uint8Array>;
}

/** How bytes are fetched: a GET of `url` from byte `start` on (a Range request when start > 0). */
export type Transport = (request: { readonly url: string; readonly start: number }) => Promise<TransportResponse>;

const contentRange = /^bytes (\d+)-\d+\/(\d+|\*)$/;

/** The default transport: Node's fetch (follows redirects), with Range for resumes and a stall timeout per request. */
export const fetchTransport =
  (opts: { readonly timeoutMs?: number } = {}): Transport =>
  async ({ url, start }) => {
    const response = await fetch(url, {
      headers: start > 0 ? { range: `bytes=${start}-` } : {},
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30 * 60_000),
    });
    const range = contentRange.exec(response.headers.get('content-range') ?? '');
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    const totalBytes =
      range?.[2] !== undefined && range[2] !== '*' ? Number(range[2]) : response.status === 200 && Number.isFinite(length) ? length : undefined;
    const empty: AsyncIterable<Uint8Array> = (async function* () {})();
    return {
      status: response.status,
      totalBytes,
      start: response.status === 206 && range?.[1] !== undefined ? Number(range[1]) : 0,
      body: response.body ?? empty,
    };
  };

/**
 * Why a request failed, in words: Node's fetch says only "fetch failed" and keeps the reason (no such host, refused,
 * timed out) in `cause`.
 */
const networkReason = (e: unknown): string => {
  const message = e instanceof Error ? e.message : String(e);
  const cause = e instanceof Error ? (e.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
  return detail !== undefined ? `${message} (${detail})` : message;
};

/** Download progress, reported after each chunk. */
export interface DownloadProgress {
  readonly receivedBytes: number;
  readonly totalBytes: number | undefined;
  /** Bytes already on disk from an earlier, interrupted download. */
  readonly resumedFrom: number;
}

export interface DownloadResult {
  readonly path: string;
  readonly bytes: number;
  readonly resumedFrom: number;
  /** True when `dest` already existed with the expected digest and nothing was fetched. */
  readonly cached: boolean;
}

const sizeOf = (path: string): Promise<number | undefined> =>
  stat(path).then(
    (s) => s.size,
    () => undefined,
  );

/**
 * Downloads `url` to `dest` through `dest.part`, resuming a partial `.part` with an HTTP Range
 * request (a server that answers 200 instead of 206 restarts it), then checks the md5 and renames.
 * A wrong checksum removes the `.part` (so the next try starts clean) and throws.
 */
export const downloadFile = async (opts: {
  readonly url: string;
  readonly dest: string;
  readonly md5: string;
  readonly transport?: Transport;
  readonly onProgress?: (p: DownloadProgress) => void;
}): Promise<DownloadResult> => {
  const { url, dest } = opts;
  const md5 = opts.md5.toLowerCase();
  const transport = opts.transport ?? fetchTransport();
  const existing = await sizeOf(dest);
  if (existing !== undefined && (await hashFile(dest, ['md5'])).digests.md5 === md5) {
    return { path: dest, bytes: existing, resumedFrom: existing, cached: true };
  }
  const part = `${dest}.part`;
  const partBytes = (await sizeOf(part)) ?? 0;
  const response = await transport({ url, start: partBytes }).catch((e: unknown) => {
    throw new Cifar10DataError(`${url}: ${networkReason(e)}`, url);
  });
  // 416: the .part already holds the whole file; the checksum below decides whether it is good.
  const complete = response.status === 416 && partBytes > 0;
  if (!complete && response.status !== 200 && response.status !== 206) {
    throw new Cifar10DataError(`${url}: HTTP ${response.status}`, url);
  }
  const append = response.status === 206 && response.start === partBytes;
  if (response.status === 206 && !append) {
    throw new Cifar10DataError(`${url}: asked for bytes from ${partBytes}, server sent from ${response.start}`, url, partBytes);
  }
  const resumedFrom = append ? partBytes : complete ? partBytes : 0;
  if (!complete) {
    const out = createWriteStream(part, { flags: append ? 'a' : 'w' });
    let received = resumedFrom;
    try {
      for await (const chunk of response.body) {
        if (!out.write(chunk)) await once(out, 'drain');
        received += chunk.length;
        opts.onProgress?.({ receivedBytes: received, totalBytes: response.totalBytes, resumedFrom });
      }
    } catch (e) {
      throw new Cifar10DataError(`${url}: ${networkReason(e)} after ${received} bytes; run again to resume`, part, received);
    } finally {
      out.end();
      await once(out, 'close');
    }
    if (response.totalBytes !== undefined && received !== response.totalBytes) {
      throw new Cifar10DataError(
        `${url}: connection ended after ${received} of ${response.totalBytes} bytes; run again to resume`,
        part,
        received,
      );
    }
  }
  const { bytes, digests } = await hashFile(part, ['md5']);
  if (digests.md5 !== md5) {
    await rm(part, { force: true });
    throw new Cifar10DataError(`${dest}: md5 ${digests.md5 ?? '?'} of ${bytes} bytes, expected ${md5}; removed the download`, dest);
  }
  await rename(part, dest);
  return { path: dest, bytes, resumedFrom, cached: false };
};
