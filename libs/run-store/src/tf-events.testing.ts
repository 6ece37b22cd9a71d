import { readFile } from 'node:fs/promises';
import protobuf from 'protobufjs';

// TensorFlow's event.proto and summary.proto, reduced to the fields scalars use (field numbers as there).
const root = protobuf.parse(`
syntax = "proto3";
message Value { string tag = 1; float simple_value = 2; }
message Summary { repeated Value value = 1; }
message Event { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; Summary summary = 5; } }
`).root;
export const Event = root.lookupType('Event');

/** Bitwise CRC32C (Castagnoli, reflected polynomial 0x82f63b78): the reference the table-driven library is checked against. */
export const crc32cReference = (data: Uint8Array): number => {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
};
export const maskReference = (crc: number): number => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) % 2 ** 32;

/** Splits a TFRecord file into its records, checking both CRCs of each. */
export const readRecords = (file: Uint8Array): Uint8Array[] => {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const records: Uint8Array[] = [];
  for (let at = 0; at < file.length; ) {
    const length = Number(view.getBigUint64(at, true));
    if (view.getUint32(at + 8, true) !== maskReference(crc32cReference(file.subarray(at, at + 8)))) throw new Error(`record at byte ${at}: bad length CRC`);
    const data = file.subarray(at + 12, at + 12 + length);
    if (view.getUint32(at + 12 + length, true) !== maskReference(crc32cReference(data))) throw new Error(`record at byte ${at}: bad data CRC`);
    records.push(data);
    at += 16 + length;
  }
  return records;
};

/** A decoded scalar event (protobufjs's names). */
export interface DecodedEvent {
  readonly wallTime: number;
  readonly step: number;
  readonly fileVersion?: string;
  readonly summary?: { readonly value: readonly { readonly tag: string; readonly simpleValue: number }[] };
}

/** Every event of an event file, CRCs checked, decoded by protobufjs (independently of the encoder). */
export const readEvents = async (path: string): Promise<readonly DecodedEvent[]> =>
  readRecords(new Uint8Array(await readFile(path))).map((r) => Event.toObject(Event.decode(r), { longs: Number, defaults: true }) as DecodedEvent);
