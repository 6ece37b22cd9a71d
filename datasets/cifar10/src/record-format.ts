import { Cifar10DataError } from './errors';

/** Side of a CIFAR-10 image in pixels. */
export const IMAGE_SIDE = 32;
/** Colour channels (R, G, B). */
export const CHANNELS = 3;
/** Pixel bytes of one image: three 32x32 planes, R then G then B, each row-major. */
export const IMAGE_BYTES = IMAGE_SIDE * IMAGE_SIDE * CHANNELS;
/** One record of the official binary format: 1 label byte followed by the pixel bytes. */
export const RECORD_BYTES = 1 + IMAGE_BYTES;
/** Number of classes; labels are 0..9. */
export const NUM_CLASSES = 10;

/**
 * A run of images in the record layout: `pixels` holds `count` images of IMAGE_BYTES each
 * (planar R, G, B), `labels` one byte per image.
 */
export interface Records {
  readonly count: number;
  readonly labels: Uint8Array;
  readonly pixels: Uint8Array;
}

/**
 * Splits the bytes of a binary batch file into labels and pixels. Any whole number of records
 * is accepted (the shared subset holds 1017 per file, the official files 10000); anything else
 * is an error naming `path` and the offset, never a silent short read.
 */
export const decodeRecords = (bytes: Uint8Array, path: string): Records => {
  if (bytes.length === 0) throw new Cifar10DataError(`${path}: empty file, expected ${RECORD_BYTES}-byte records`, path, 0);
  const count = Math.floor(bytes.length / RECORD_BYTES);
  const rest = bytes.length - count * RECORD_BYTES;
  if (rest !== 0) {
    const offset = count * RECORD_BYTES;
    throw new Cifar10DataError(
      `${path}: ${bytes.length} bytes is not a whole number of ${RECORD_BYTES}-byte records ` +
        `(truncated record at offset ${offset}: ${rest} of ${RECORD_BYTES} bytes)`,
      path,
      offset,
    );
  }
  const labels = new Uint8Array(count);
  const pixels = new Uint8Array(count * IMAGE_BYTES);
  for (let i = 0; i < count; i++) {
    const offset = i * RECORD_BYTES;
    const label = bytes[offset] ?? 0;
    if (label >= NUM_CLASSES) {
      throw new Cifar10DataError(`${path}: label ${label} of record ${i} at offset ${offset} is outside 0-9`, path, offset);
    }
    labels[i] = label;
    pixels.set(bytes.subarray(offset + 1, offset + RECORD_BYTES), i * IMAGE_BYTES);
  }
  return { count, labels, pixels };
};

/** The inverse of decodeRecords: label byte + pixels per record (used to write fixtures and subsets). */
export const encodeRecords = (records: Records): Uint8Array => {
  const out = new Uint8Array(records.count * RECORD_BYTES);
  for (let i = 0; i < records.count; i++) {
    out[i * RECORD_BYTES] = records.labels[i] ?? 0;
    out.set(records.pixels.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES), i * RECORD_BYTES + 1);
  }
  return out;
};

/** Concatenates runs of records (the five training batches into one training split). */
export const concatRecords = (parts: readonly Records[]): Records => {
  const count = parts.reduce((n, p) => n + p.count, 0);
  const labels = new Uint8Array(count);
  const pixels = new Uint8Array(count * IMAGE_BYTES);
  let at = 0;
  for (const p of parts) {
    labels.set(p.labels, at);
    pixels.set(p.pixels, at * IMAGE_BYTES);
    at += p.count;
  }
  return { count, labels, pixels };
};

/** The records at `indices`, in that order (a split, a stratified --limit subset). */
export const selectRecords = (records: Records, indices: ArrayLike<number>): Records => {
  const labels = new Uint8Array(indices.length);
  const pixels = new Uint8Array(indices.length * IMAGE_BYTES);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] ?? 0;
    if (i < 0 || i >= records.count) throw new RangeError(`record index ${i} outside 0..${records.count - 1}`);
    labels[k] = records.labels[i] ?? 0;
    pixels.set(records.pixels.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES), k * IMAGE_BYTES);
  }
  return { count: indices.length, labels, pixels };
};

/** Images per class, index = label. */
export const classCounts = (labels: ArrayLike<number>): readonly number[] => {
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i] ?? 0]! += 1;
  return counts;
};
