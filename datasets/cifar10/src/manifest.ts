import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import * as t from 'io-ts';
import { PathReporter } from 'io-ts/PathReporter';
import { hashFile, type DigestAlgorithm } from './checksum';
import { Cifar10DataError } from './errors';

const Hex = (length: number) =>
  new t.Type<string, string, unknown>(
    `hex${length}`,
    (u): u is string => typeof u === 'string' && new RegExp(`^[0-9a-f]{${length}}$`).test(u),
    (u, c) => (typeof u === 'string' && new RegExp(`^[0-9a-fA-F]{${length}}$`).test(u) ? t.success(u.toLowerCase()) : t.failure(u, c)),
    (s) => s,
  );
const Sha256 = Hex(64);
const Md5 = Hex(32);

/** One file of this package's own manifest (written by `data fetch`): its size and digests. */
export const ManifestFile = t.intersection([
  t.type({}),
  t.partial({ bytes: t.number, sha256: Sha256, md5: Md5 }),
]);
/** This package's manifest format: file name (relative to the manifest) -> size and digests. */
export const Cifar10Manifest = t.readonly(
  t.type({ format: t.literal('approx-darts/cifar10-manifest@1'), files: t.record(t.string, ManifestFile) }),
);
export type Cifar10Manifest = t.TypeOf<typeof Cifar10Manifest>;

/** The shared subset's manifest (`../shared/datasets/cifar-10-partial/manifest.json`); only the fields used here. */
export const SubsetManifest = t.type({
  batches: t.record(
    t.string,
    t.intersection([
      t.type({ partial_file: t.string, partial_bytes: t.number, partial_sha256: Sha256, labels_file: t.string, labels_sha256: Sha256 }),
      t.partial({ labels_md5: Md5 }),
    ]),
  ),
});

/** What a manifest says about one file, whichever format it came in. */
export interface ManifestEntry {
  readonly file: string;
  readonly bytes: number | undefined;
  readonly digests: Readonly<Partial<Record<DigestAlgorithm, string>>>;
}

const fromOwn = (m: Cifar10Manifest): readonly ManifestEntry[] =>
  Object.entries(m.files).map(([file, f]) => ({
    file,
    bytes: f.bytes,
    digests: { ...(f.sha256 === undefined ? {} : { sha256: f.sha256 }), ...(f.md5 === undefined ? {} : { md5: f.md5 }) },
  }));

const fromSubset = (m: t.TypeOf<typeof SubsetManifest>): readonly ManifestEntry[] =>
  Object.values(m.batches).flatMap((b) => [
    { file: b.partial_file, bytes: b.partial_bytes, digests: { sha256: b.partial_sha256 } },
    { file: b.labels_file, bytes: undefined, digests: { sha256: b.labels_sha256, ...(b.labels_md5 === undefined ? {} : { md5: b.labels_md5 }) } },
  ]);

/** Decodes either manifest format into entries. Left: why the JSON is neither. */
export const decodeManifest = (json: unknown): E.Either<string, readonly ManifestEntry[]> =>
  pipe(
    Cifar10Manifest.decode(json),
    E.map(fromOwn),
    E.orElse((ownErrors) =>
      pipe(
        SubsetManifest.decode(json),
        E.map(fromSubset),
        E.mapLeft(() => `not a CIFAR-10 manifest: ${PathReporter.report(E.left(ownErrors)).slice(0, 3).join('; ')}`),
      ),
    ),
  );

/** Reads a manifest file (either format). Throws Cifar10DataError naming the path. */
export const readManifest = async (path: string): Promise<readonly ManifestEntry[]> => {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Cifar10DataError(`${path}: cannot read manifest (${e instanceof Error ? e.message : String(e)})`, path);
  }
  return pipe(
    decodeManifest(json),
    E.getOrElseW((why) => {
      throw new Cifar10DataError(`${path}: ${why}`, path);
    }),
  );
};

/** The outcome of checking one file against its manifest entry. */
export interface FileCheck {
  readonly file: string;
  readonly path: string;
  readonly status: 'ok' | 'missing' | 'size-mismatch' | 'digest-mismatch';
  readonly detail: string;
}

/** Checks every file of a manifest in `dir` (size first, then each digest it lists). */
export const verifyManifest = async (dir: string, entries: readonly ManifestEntry[]): Promise<readonly FileCheck[]> =>
  Promise.all(
    entries.map(async (entry): Promise<FileCheck> => {
      const path = join(dir, entry.file);
      const size = await stat(path).then(
        (s) => s.size,
        () => undefined,
      );
      if (size === undefined) return { file: entry.file, path, status: 'missing', detail: `missing file: ${path}` };
      if (entry.bytes !== undefined && size !== entry.bytes) {
        return { file: entry.file, path, status: 'size-mismatch', detail: `${path}: ${size} bytes, manifest says ${entry.bytes}` };
      }
      const algorithms = Object.keys(entry.digests) as DigestAlgorithm[];
      const { digests } = await hashFile(path, algorithms);
      const bad = algorithms.filter((a) => digests[a] !== entry.digests[a]);
      return bad.length === 0
        ? { file: entry.file, path, status: 'ok', detail: algorithms.map((a) => `${a} ok`).join(', ') || 'size ok' }
        : {
            file: entry.file,
            path,
            status: 'digest-mismatch',
            detail: bad.map((a) => `${path}: ${a} ${digests[a]}, manifest says ${entry.digests[a]}`).join('; '),
          };
    }),
  );

/** Writes this package's manifest for `files` (paths) into `dir/manifest.json`, with sha256 and size of each. */
export const writeManifest = async (dir: string, files: readonly string[]): Promise<Cifar10Manifest> => {
  const hashed = await Promise.all(files.map(async (f) => [basename(f), await hashFile(f, ['sha256'])] as const));
  const manifest: Cifar10Manifest = {
    format: 'approx-darts/cifar10-manifest@1',
    files: Object.fromEntries(hashed.map(([name, h]) => [name, { bytes: h.bytes, ...h.digests }])),
  };
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(Cifar10Manifest.encode(manifest), null, 1)}\n`);
  return manifest;
};
