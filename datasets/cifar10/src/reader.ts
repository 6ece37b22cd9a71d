import { readFile } from 'node:fs/promises';
import { Cifar10DataError } from './errors';
import { ALL_BATCHES, TEST_BATCH, TRAIN_BATCHES, locateDataset, type BatchName, type DatasetLayout } from './layout';
import { concatRecords, decodeRecords, NUM_CLASSES, type Records } from './record-format';

/** The class names of CIFAR-10 in label order (as in batches.meta.txt). */
export const CLASS_NAMES: readonly string[] = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** A loaded copy: the training split (the five batches in order), the test split, and per-batch records. */
export interface Cifar10 {
  readonly layout: DatasetLayout;
  readonly classNames: readonly string[];
  readonly train: Records;
  readonly test: Records;
  readonly batches: Readonly<Record<BatchName, Records>>;
}

const readBytes = async (path: string): Promise<Uint8Array> => {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Cifar10DataError(code === 'ENOENT' ? `missing file: ${path}` : `${path}: cannot read (${code ?? String(e)})`, path);
  }
};

/** Reads and checks one binary batch file (any whole number of records). */
export const readBatchFile = async (path: string): Promise<Records> => decodeRecords(await readBytes(path), path);

/** Reads `batches.meta.txt`: ten non-empty class names, one per line (trailing empty lines allowed). */
export const readClassNames = async (path: string): Promise<readonly string[]> => {
  const lines = new TextDecoder().decode(await readBytes(path)).split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  if (lines.length !== NUM_CLASSES || lines.some((l) => l.trim() === '')) {
    throw new Cifar10DataError(`${path}: expected ${NUM_CLASSES} class names, one per line; found ${lines.length} lines`, path);
  }
  return lines.map((l) => l.trim());
};

/** Reads a complete label sequence `<batch>.labels.u8` (one byte per image, 0-9). */
export const readLabelFile = async (path: string): Promise<Uint8Array> => {
  const bytes = await readBytes(path);
  const bad = bytes.findIndex((b) => b >= NUM_CLASSES);
  if (bad >= 0) throw new Cifar10DataError(`${path}: label ${bytes[bad]} at offset ${bad} is outside 0-9`, path, bad);
  return bytes;
};

/**
 * Loads a CIFAR-10 copy from a located layout (see locateDataset) or a directory.
 * @example const { train, test } = await loadCifar10('../shared/datasets/cifar-10-partial'); // 5085 / 1017 images
 */
export const loadCifar10 = async (where: string | DatasetLayout): Promise<Cifar10> => {
  const layout = typeof where === 'string' ? await locateDataset(where) : where;
  const read = await Promise.all(ALL_BATCHES.map((b) => readBatchFile(layout.batchFiles[b])));
  const batches = Object.fromEntries(ALL_BATCHES.map((b, i) => [b, read[i]])) as Record<BatchName, Records>;
  return {
    layout,
    classNames: layout.metaFile === undefined ? CLASS_NAMES : await readClassNames(layout.metaFile),
    train: concatRecords(TRAIN_BATCHES.map((b) => batches[b])),
    test: batches[TEST_BATCH],
    batches,
  };
};
