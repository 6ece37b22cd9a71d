import { unzipSync, zipSync } from 'fflate';

/** One array of a NumPy archive: float32 or int64 (DARTS's BN `num_batches_tracked`), C order. */
export interface NpyArray {
  readonly shape: readonly number[];
  readonly data: Float32Array | BigInt64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/**
 * One `.npy` file (format version 1.0): magic, version, a little-endian header length, the header dict padded with
 * spaces to a multiple of 64 bytes and ended by a newline, then the raw little-endian data.
 */
export const npyBytes = (a: NpyArray): Uint8Array => {
  const descr = a.data instanceof Float32Array ? '<f4' : '<i8';
  const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1;
  const header = `${dict}${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const out = new Uint8Array(MAGIC.length + 4 + header.length + a.data.byteLength);
  out.set(MAGIC, 0);
  out.set([1, 0, header.length & 0xff, header.length >> 8], MAGIC.length);
  out.set(new TextEncoder().encode(header), MAGIC.length + 4);
  out.set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), MAGIC.length + 4 + header.length);
  return out;
};

/** A `.npz` archive (what `numpy.savez` writes: one stored `.npy` per name); `numpy.load` reads it. */
export const npzBytes = (arrays: Readonly<Record<string, NpyArray>>): Uint8Array =>
  zipSync(Object.fromEntries(Object.entries(arrays).map(([name, a]) => [`${name}.npy`, npyBytes(a)])), { level: 0 });

/** Reads one `.npy` file of float32, float64 (read as float32) or int64 little-endian data; throws naming what it cannot read. */
export const parseNpy = (bytes: Uint8Array, what: string): NpyArray => {
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new Error(`${what}: not a .npy file`);
  const major = bytes[6] as number;
  const headerLength = major === 1 ? (bytes[8] as number) | ((bytes[9] as number) << 8) : new DataView(bytes.buffer, bytes.byteOffset + 8, 4).getUint32(0, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new Error(`${what}: unreadable .npy header ${header.trim()}`);
  if (fortran === 'True') throw new Error(`${what}: Fortran-ordered arrays are not read; save it C-ordered`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const body = bytes.slice(start + headerLength);
  const count = shape.reduce((a, b) => a * b, 1);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  if (descr === '<f4') return { shape, data: Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true)) };
  if (descr === '<f8') return { shape, data: Float32Array.from({ length: count }, (_, i) => view.getFloat64(8 * i, true)) };
  if (descr === '<i8') return { shape, data: BigInt64Array.from({ length: count }, (_, i) => view.getBigInt64(8 * i, true)) };
  throw new Error(`${what}: dtype ${descr} is not read (float32, float64 or int64)`);
};

/** The arrays of a `.npz` archive by name. */
export const parseNpz = (bytes: Uint8Array, what: string): Record<string, NpyArray> => {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new Error(`${what}: not a .npz archive (${e instanceof Error ? e.message : String(e)})`);
  }
  return Object.fromEntries(
    Object.entries(files)
      .filter(([name]) => name.endsWith('.npy'))
      .map(([name, b]) => [name.slice(0, -'.npy'.length), parseNpy(b, `${what}: ${name}`)]),
  );
};
