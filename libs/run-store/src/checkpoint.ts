import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as t from 'io-ts';
import { pipe } from 'fp-ts/function';
import * as E from 'fp-ts/Either';
import { PathReporter } from 'io-ts/PathReporter';
import { writeFileAtomic, writeJsonAtomic } from './atomic-write';

/** One saved tensor: its shape, dtype and values (row-major, as tfjs `dataSync` returns them). */
export interface SavedTensor {
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
  readonly data: Float32Array | Int32Array;
}

/** A checkpoint: JSON-able metadata (epoch, config, RNG state...) plus named tensors (weights, optimizer state). */
export interface Checkpoint {
  readonly meta: unknown;
  readonly tensors: Readonly<Record<string, SavedTensor>>;
}

/** The commit marker: written last, so a checkpoint exists exactly when this file does. */
export const CHECKPOINT_JSON = 'checkpoint.json';

const TensorEntry = t.readonly(
  t.type({
    name: t.string,
    shape: t.readonlyArray(t.number),
    dtype: t.keyof({ float32: null, int32: null }),
    /** Byte offset in the blob; always a multiple of 4. */
    offset: t.number,
    length: t.number,
  }),
);

/** The on-disk index: which blob holds the tensors, its size and sha256, and where each tensor lies in it. */
const CheckpointIndex = t.readonly(
  t.type({
    format: t.literal('approx-darts-checkpoint/1'),
    blob: t.string,
    blobBytes: t.number,
    blobSha256: t.string,
    tensors: t.readonlyArray(TensorEntry),
    meta: t.unknown,
  }),
);
type CheckpointIndex = t.TypeOf<typeof CheckpointIndex>;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const elementCount = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

const packTensors = (tensors: Readonly<Record<string, SavedTensor>>): { blob: Uint8Array; entries: t.TypeOf<typeof TensorEntry>[] } => {
  const names = Object.keys(tensors).sort();
  const entries: t.TypeOf<typeof TensorEntry>[] = [];
  let offset = 0;
  for (const name of names) {
    const tensor = tensors[name]!;
    const length = elementCount(tensor.shape);
    if (tensor.data.length !== length) {
      throw new Error(`checkpoint tensor '${name}': shape [${tensor.shape.join(', ')}] needs ${length} values, got ${tensor.data.length}`);
    }
    entries.push({ name, shape: [...tensor.shape], dtype: tensor.dtype, offset, length });
    offset += length * 4;
  }
  const blob = new Uint8Array(offset);
  for (const entry of entries) {
    const data = tensors[entry.name]!.data;
    blob.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), entry.offset);
  }
  return { blob, entries };
};

/**
 * Saves a checkpoint into `dir` atomically. The tensors go to a fresh blob `tensors-<stamp>.bin` (never overwriting
 * the blob the current checkpoint.json points at), then checkpoint.json is replaced by rename: a crash anywhere
 * before that rename leaves the previous checkpoint intact and loadable. Stale blobs are removed afterwards.
 */
export const saveCheckpoint = async (dir: string, checkpoint: Checkpoint): Promise<void> => {
  await mkdir(dir, { recursive: true });
  const { blob, entries } = packTensors(checkpoint.tensors);
  const blobName = `tensors-${Date.now().toString(36)}-${process.pid}-${Math.floor(Math.random() * 1e9).toString(36)}.bin`;
  await writeFileAtomic(join(dir, blobName), blob);
  const index: CheckpointIndex = {
    format: 'approx-darts-checkpoint/1',
    blob: blobName,
    blobBytes: blob.byteLength,
    blobSha256: sha256(blob),
    tensors: entries,
    meta: checkpoint.meta,
  };
  await writeJsonAtomic(join(dir, CHECKPOINT_JSON), index);
  const stale = (await readdir(dir)).filter((f) => /^tensors-.*\.bin$/.test(f) && f !== blobName);
  await Promise.all(stale.map((f) => rm(join(dir, f), { force: true })));
};

const readIndex = async (path: string): Promise<CheckpointIndex | undefined> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path}: checkpoint index is not valid JSON (truncated or corrupt)`);
  }
  return pipe(
    CheckpointIndex.decode(json),
    E.getOrElseW((errors) => {
      throw new Error(`${path}: not a checkpoint index: ${PathReporter.report(E.left(errors)).join('; ')}`);
    }),
  );
};

/**
 * The metadata of the checkpoint in `dir` from its index alone (the blob is not read): undefined when there is none;
 * an Error naming the file when the index is truncated or corrupt (a bare JSON.parse said only `Unexpected end of
 * JSON input`).
 */
export const readCheckpointMeta = async (dir: string): Promise<unknown> => (await readIndex(join(dir, CHECKPOINT_JSON)))?.meta;

const unpackTensor = (blob: Uint8Array, blobPath: string, entry: t.TypeOf<typeof TensorEntry>): SavedTensor => {
  const end = entry.offset + entry.length * 4;
  if (entry.offset % 4 !== 0 || end > blob.byteLength || entry.length !== elementCount(entry.shape)) {
    throw new Error(`${blobPath}: tensor '${entry.name}' lies outside the blob or does not match its shape`);
  }
  // Copy: the file buffer may be pooled and unaligned for a typed-array view.
  const bytes = blob.slice(entry.offset, end);
  const data = entry.dtype === 'float32' ? new Float32Array(bytes.buffer) : new Int32Array(bytes.buffer);
  return { shape: entry.shape, dtype: entry.dtype, data };
};

/**
 * Loads the checkpoint in `dir`: undefined when there is none; an Error naming the file when the index or the
 * blob is corrupt or truncated (size and sha256 are checked before any tensor is used).
 */
export const loadCheckpoint = async (dir: string): Promise<Checkpoint | undefined> => {
  const indexPath = join(dir, CHECKPOINT_JSON);
  const index = await readIndex(indexPath);
  if (index === undefined) return undefined;
  const blobPath = join(dir, index.blob);
  let blob: Uint8Array;
  try {
    blob = new Uint8Array(await readFile(blobPath));
  } catch (e) {
    throw new Error(`${blobPath}: cannot read the tensor blob named by ${indexPath}: ${(e as Error).message}`);
  }
  if (blob.byteLength !== index.blobBytes) {
    throw new Error(`${blobPath}: truncated or corrupt tensor blob: expected ${index.blobBytes} bytes, found ${blob.byteLength}`);
  }
  if (sha256(blob) !== index.blobSha256) {
    throw new Error(`${blobPath}: corrupt tensor blob: sha256 does not match ${indexPath}`);
  }
  const tensors: Record<string, SavedTensor> = {};
  for (const entry of index.tensors) tensors[entry.name] = unpackTensor(blob, blobPath, entry);
  return { meta: index.meta, tensors };
};
