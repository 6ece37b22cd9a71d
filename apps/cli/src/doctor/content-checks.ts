import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as E from 'fp-ts/Either';
import { ALL_BATCHES, findDataset, readBatchFile, readManifest, verifyManifest } from '@approx-darts/cifar10';
import { TABLE_BYTES } from '@approx-darts/multipliers';
import { METADATA_FILE, readMetadataFile } from '@approx-darts/io';

/** What `doctor` found in a directory: whether it is usable, a one-line summary, and each problem. */
export interface ContentCheck {
  readonly ok: boolean;
  readonly summary: string;
  readonly problems: readonly string[];
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The cheap checks of a multiplier table directory: every `.bin` is a regular file of exactly 131072 bytes, the
 * `multipliers.json` (if any) reads as metadata, and each table it lists is there with the sha256 it records.
 * Existence alone said ok for a directory of truncated tables.
 */
export const checkLutDirectory = async (dir: string): Promise<ContentCheck> => {
  const files = await readdir(dir).catch(() => undefined);
  if (files === undefined) return { ok: false, summary: 'cannot be read', problems: [`${dir}: cannot be read`] };
  const tables = files.filter((f) => f.endsWith('.bin')).sort();
  const problems: string[] = [];
  const sums = new Map<string, string>();
  for (const f of tables) {
    const path = join(dir, f);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) problems.push(`${path}: not a regular file`);
    else if (info.size !== TABLE_BYTES) problems.push(`${path}: ${info.size} bytes, expected ${TABLE_BYTES}`);
    else sums.set(f, sha256(await readFile(path)));
  }
  let listed = 0;
  if (files.includes(METADATA_FILE)) {
    const metadata = await readMetadataFile(join(dir, METADATA_FILE)).catch((e: unknown) => message(e));
    if (typeof metadata === 'string') problems.push(metadata);
    else {
      listed = metadata.multipliers.length;
      for (const m of metadata.multipliers) {
        const sum = sums.get(m.file);
        if (!tables.includes(m.file)) problems.push(`${join(dir, METADATA_FILE)} lists ${m.file}, which is not there`);
        else if (sum !== undefined && sum !== m.sha256) problems.push(`${join(dir, m.file)}: sha256 differs from ${METADATA_FILE}`);
      }
    }
  }
  const summary = `${tables.length} tables${files.includes(METADATA_FILE) ? `, ${METADATA_FILE} lists ${listed}` : ''}`;
  return { ok: problems.length === 0 && tables.length > 0, summary: tables.length === 0 ? 'no .bin tables' : summary, problems };
};

/**
 * The cheap checks of a CIFAR-10 directory: its layout, each batch file a whole number of 3073-byte records with
 * labels 0-9, and its manifest (sizes and digests) when it has one.
 */
export const checkDataDirectory = async (dir: string): Promise<ContentCheck> => {
  const found = await findDataset(dir);
  if (E.isLeft(found)) return { ok: false, summary: 'not a CIFAR-10 copy', problems: [found.left.message] };
  const layout = found.right;
  const problems: string[] = [];
  let images = 0;
  for (const batch of ALL_BATCHES) {
    const records = await readBatchFile(layout.batchFiles[batch]).catch((e: unknown) => message(e));
    if (typeof records === 'string') problems.push(records);
    else images += records.count;
  }
  let manifest = 'no manifest';
  if (layout.manifestFile !== undefined) {
    const entries = await readManifest(layout.manifestFile).catch((e: unknown) => message(e));
    if (typeof entries === 'string') problems.push(entries);
    else {
      const checks = await verifyManifest(layout.dir, entries);
      problems.push(...checks.filter((c) => c.status !== 'ok').map((c) => c.detail));
      manifest = `manifest: ${checks.filter((c) => c.status === 'ok').length} of ${checks.length} files match`;
    }
  }
  return { ok: problems.length === 0, summary: `${layout.kind} layout, ${images} images, ${manifest}`, problems };
};
