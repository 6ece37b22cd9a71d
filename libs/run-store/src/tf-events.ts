// crc-32 is CommonJS: its functions come on the default export when Node (not a bundler) loads it.
import CRC32C from 'crc-32/crc32c';
import { appendFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * TensorBoard event files: TFRecord framing (length, masked CRC32C of the length, data, masked CRC32C of the data)
 * around `tensorflow.Event` protocol buffers. Only the fields scalars need are encoded, by hand: Event.wall_time (1,
 * double), Event.step (2, int64), Event.file_version (3, string), Event.summary (5) holding Summary.value (1) items of
 * Value.tag (1, string) and Value.simple_value (2, float). A protobuf library would bring a schema compiler for 6 fields.
 */

/** TFRecord's CRC: CRC32C rotated right by 15 and offset, so a CRC of data holding CRCs stays well distributed. */
export const maskedCrc32c = (data: Uint8Array): number => {
  const crc = CRC32C.buf(data) >>> 0;
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
};

const varint = (value: number): number[] => {
  const out: number[] = [];
  let v = BigInt(value);
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? byte | 0x80 : byte);
  } while (v > 0n);
  return out;
};

const bytesField = (field: number, bytes: Uint8Array): number[] => [(field << 3) | 2, ...varint(bytes.length), ...bytes];
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

const double = (v: number): number[] => {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, v, true);
  return [...new Uint8Array(b.buffer)];
};

const float = (v: number): number[] => {
  const b = new DataView(new ArrayBuffer(4));
  b.setFloat32(0, v, true);
  return [...new Uint8Array(b.buffer)];
};

/** One event: at `wallTime` (s since the epoch), at `step`, either the file-version header or scalar values by tag. */
export type TfEvent =
  | { readonly wallTime: number; readonly step: number; readonly fileVersion: string }
  | { readonly wallTime: number; readonly step: number; readonly scalars: Readonly<Record<string, number>> };

/** The `tensorflow.Event` bytes of an event. */
export const encodeEvent = (e: TfEvent): Uint8Array => {
  const head = [0x09, ...double(e.wallTime), 0x10, ...varint(e.step)];
  if ('fileVersion' in e) return Uint8Array.from([...head, ...bytesField(3, utf8(e.fileVersion))]);
  const values = Object.entries(e.scalars)
    .filter(([, v]) => Number.isFinite(v))
    .flatMap(([tag, v]) => bytesField(1, Uint8Array.from([...bytesField(1, utf8(tag)), 0x15, ...float(v)])));
  return Uint8Array.from([...head, ...bytesField(5, Uint8Array.from(values))]);
};

/** One TFRecord around `data`. */
export const tfRecord = (data: Uint8Array): Uint8Array => {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
};

/** An event file being appended to (one per process run: a resumed run starts a new one, as TensorBoard expects). */
export interface EventWriter {
  readonly path: string;
  /** Appends one event of scalars; values that are not finite are left out. */
  readonly scalars: (step: number, values: Readonly<Record<string, number>>) => Promise<void>;
}

/**
 * Opens `events.out.tfevents.<seconds>.<host>` in `dir` (TensorBoard's naming, which `tensorboard --logdir` finds)
 * and writes the file-version header. Appends are whole records, so a killed run leaves a readable file.
 */
export const openEventWriter = async (dir: string, now: () => number = Date.now): Promise<EventWriter> => {
  const started = now() / 1000;
  const path = join(dir, `events.out.tfevents.${Math.floor(started)}.${hostname()}`);
  await appendFile(path, tfRecord(encodeEvent({ wallTime: started, step: 0, fileVersion: 'brain.Event:2' })));
  return {
    path,
    scalars: (step, values) => appendFile(path, tfRecord(encodeEvent({ wallTime: now() / 1000, step, scalars: values }))),
  };
};
