import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { Cifar10DataError } from './errors';
import { classCounts, concatRecords, decodeRecords, encodeRecords, IMAGE_BYTES, RECORD_BYTES, selectRecords } from './record-format';
import { syntheticRecords } from './test-support';

describe('binary record format', () => {
  test.prop([fc.integer({ min: 1, max: 12 }), fc.nat()])('encode then decode gives the records back', (count, seed) => {
    const records = syntheticRecords(count, seed);
    const back = decodeRecords(encodeRecords(records), 'mem');
    expect(back.count).toBe(count);
    // Buffer.equals: deep toEqual over 36k elements is slow.
    expect(Buffer.from(back.labels).equals(records.labels)).toBe(true);
    expect(Buffer.from(back.pixels).equals(records.pixels)).toBe(true);
  });

  it('reads label byte then 3072 pixel bytes per record', () => {
    const bytes = new Uint8Array(2 * RECORD_BYTES);
    bytes[0] = 7;
    bytes[1] = 11; // first R pixel of image 0
    bytes[RECORD_BYTES] = 3;
    bytes[2 * RECORD_BYTES - 1] = 99; // last B pixel of image 1
    const r = decodeRecords(bytes, 'mem');
    expect([...r.labels]).toEqual([7, 3]);
    expect(r.pixels[0]).toBe(11);
    expect(r.pixels[2 * IMAGE_BYTES - 1]).toBe(99);
  });

  it('rejects a truncated file, naming the path and the offset of the short record', () => {
    const bytes = encodeRecords(syntheticRecords(3, 1)).subarray(0, 3 * RECORD_BYTES - 5);
    const err = (() => {
      try {
        decodeRecords(bytes, '/data/data_batch_1.bin');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(Cifar10DataError);
    expect((err as Cifar10DataError).offset).toBe(2 * RECORD_BYTES);
    expect((err as Error).message).toContain('/data/data_batch_1.bin');
    expect((err as Error).message).toContain(`offset ${2 * RECORD_BYTES}`);
  });

  it('rejects a label outside 0-9 with the path and the record offset', () => {
    const bytes = encodeRecords(syntheticRecords(4, 2));
    bytes[2 * RECORD_BYTES] = 10;
    expect(() => decodeRecords(bytes, 'x.bin')).toThrow(`x.bin: label 10 of record 2 at offset ${2 * RECORD_BYTES} is outside 0-9`);
  });

  it('rejects an empty file', () => {
    expect(() => decodeRecords(new Uint8Array(0), 'e.bin')).toThrow(/e\.bin: empty file/);
  });

  it('concatenates, selects and counts', () => {
    const a = syntheticRecords(3, 0);
    const b = syntheticRecords(2, 5);
    const ab = concatRecords([a, b]);
    expect([...ab.labels]).toEqual([0, 1, 2, 5, 6]);
    const picked = selectRecords(ab, [4, 0]);
    expect([...picked.labels]).toEqual([6, 0]);
    expect(Buffer.from(picked.pixels.subarray(0, IMAGE_BYTES)).equals(b.pixels.subarray(IMAGE_BYTES))).toBe(true);
    expect(classCounts(ab.labels)).toEqual([1, 1, 1, 0, 0, 1, 1, 0, 0, 0]);
    expect(() => selectRecords(ab, [5])).toThrow(RangeError);
  });
});
