import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as E from 'fp-ts/Either';
import { Cifar10DataError } from './errors';

/** The five training batches and the test batch, by their official names. */
export const TRAIN_BATCHES = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5'] as const;
export const TEST_BATCH = 'test_batch';
export const ALL_BATCHES = [...TRAIN_BATCHES, TEST_BATCH] as const;
export type BatchName = (typeof ALL_BATCHES)[number];

/** Name of the folder inside the official binary archive; a DIR may be that folder or its parent. */
export const BATCHES_DIR = 'cifar-10-batches-bin';

/**
 * Where the files of a CIFAR-10 copy are. `official`: `data_batch_1.bin`...; `subset`: files
 * holding fewer records, named `data_batch_1.<tag>.bin` (the shared subset's tag is `first1017`).
 */
export interface DatasetLayout {
  readonly dir: string;
  readonly kind: 'official' | 'subset';
  /** `undefined` for the official layout, e.g. `first1017` for the shared subset. */
  readonly tag: string | undefined;
  readonly batchFiles: Readonly<Record<BatchName, string>>;
  /** `batches.meta.txt` (class names), when present. */
  readonly metaFile: string | undefined;
  /** `manifest.json` beside the batches, when present. */
  readonly manifestFile: string | undefined;
  /** Complete label sequences `<batch>.labels.u8` (the shared subset ships them), when present. */
  readonly labelFiles: Readonly<Partial<Record<BatchName, string>>>;
}

const subsetName = /^data_batch_1\.([A-Za-z0-9_-]+)\.bin$/;

/**
 * Recognises a layout from the names in one directory (pure: the listing is the input).
 * Left: why this directory is not a CIFAR-10 copy, naming the missing files.
 */
export const recogniseLayout = (dir: string, names: readonly string[]): E.Either<Cifar10DataError, DatasetLayout> => {
  const has = new Set(names);
  const optional = (name: string): string | undefined => (has.has(name) ? join(dir, name) : undefined);
  const labelFiles = Object.fromEntries(
    ALL_BATCHES.filter((b) => has.has(`${b}.labels.u8`)).map((b) => [b, join(dir, `${b}.labels.u8`)]),
  ) as Partial<Record<BatchName, string>>;
  const tags = names.flatMap((n) => {
    const m = subsetName.exec(n);
    return m?.[1] === undefined ? [] : [m[1]];
  });
  const candidates: readonly (string | undefined)[] = has.has('data_batch_1.bin') ? [undefined] : tags;
  if (candidates.length === 0) {
    const python = has.has('data_batch_1') || has.has('cifar-10-batches-py');
    return E.left(
      new Cifar10DataError(
        python
          ? `${dir}: this is the python (pickle) version of CIFAR-10, which is not read here; ` +
              `use the binary version (cifar-10-binary.tar.gz, 'approx-darts data fetch')`
          : `${dir}: no CIFAR-10 batches here (looked for data_batch_1.bin or data_batch_1.<tag>.bin, ` +
              `in the directory and in ${BATCHES_DIR}/)`,
        dir,
      ),
    );
  }
  if (candidates.length > 1) {
    return E.left(new Cifar10DataError(`${dir}: several subsets side by side (${tags.join(', ')}); keep one per directory`, dir));
  }
  const tag = candidates[0];
  const fileOf = (b: BatchName): string => (tag === undefined ? `${b}.bin` : `${b}.${tag}.bin`);
  const missing = ALL_BATCHES.filter((b) => !has.has(fileOf(b)));
  if (missing.length > 0) {
    const paths = missing.map((b) => join(dir, fileOf(b)));
    return E.left(new Cifar10DataError(`missing file${paths.length > 1 ? 's' : ''}: ${paths.join(', ')}`, paths[0] ?? dir));
  }
  return E.right({
    dir,
    kind: tag === undefined ? 'official' : 'subset',
    tag,
    batchFiles: Object.fromEntries(ALL_BATCHES.map((b) => [b, join(dir, fileOf(b))])) as Record<BatchName, string>,
    metaFile: optional('batches.meta.txt'),
    manifestFile: optional('manifest.json'),
    labelFiles,
  });
};

const listing = async (dir: string): Promise<readonly string[] | undefined> => {
  try {
    return (await stat(dir)).isDirectory() ? await readdir(dir) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Finds a CIFAR-10 copy at `dir`: either the batches directory itself or its parent holding
 * `cifar-10-batches-bin/`. Left: a clear error naming the directory and what is missing.
 */
export const findDataset = async (dir: string): Promise<E.Either<Cifar10DataError, DatasetLayout>> => {
  const names = await listing(dir);
  if (names === undefined) {
    const isFile = await stat(dir).then((s) => !s.isDirectory(), () => false);
    return E.left(new Cifar10DataError(`${dir}: ${isFile ? 'is a file, not a directory (give the directory that holds the batches)' : 'no such directory'}`, dir));
  }
  const here = recogniseLayout(dir, names);
  if (E.isRight(here) || !names.includes(BATCHES_DIR)) return here;
  const inner = join(dir, BATCHES_DIR);
  return recogniseLayout(inner, (await listing(inner)) ?? []);
};

/** findDataset that throws its Cifar10DataError. */
export const locateDataset = async (dir: string): Promise<DatasetLayout> => {
  const found = await findDataset(dir);
  if (E.isLeft(found)) throw found.left;
  return found.right;
};
