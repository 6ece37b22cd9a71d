import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as t from 'io-ts';

/** Digest algorithms a manifest may name: sha256 for files, md5 for the official archives. */
export const DigestAlgorithm = t.keyof({ sha256: null, md5: null });
export type DigestAlgorithm = t.TypeOf<typeof DigestAlgorithm>;

/** Streams a file through one or more hashes; returns lower-case hex digests and the byte count. */
export const hashFile = async (
  path: string,
  algorithms: readonly DigestAlgorithm[],
): Promise<{ readonly bytes: number; readonly digests: Readonly<Partial<Record<DigestAlgorithm, string>>> }> => {
  const hashes = algorithms.map((a) => [a, createHash(a)] as const);
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    const b = chunk as Buffer;
    bytes += b.length;
    for (const [, h] of hashes) h.update(b);
  }
  return { bytes, digests: Object.fromEntries(hashes.map(([a, h]) => [a, h.digest('hex')])) };
};
