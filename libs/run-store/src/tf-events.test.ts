import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { encodeEvent, maskedCrc32c, openEventWriter, tfRecord } from './tf-events';
import { csvOf } from './csv';
import { crc32cReference, Event, maskReference, readRecords, type DecodedEvent } from './tf-events.testing';

describe('TensorBoard event files', () => {
  it('CRC32C gives the standard check value', () => {
    expect(crc32cReference(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(maskedCrc32c(new TextEncoder().encode('123456789'))).toBe(maskReference(0xe3069283));
  });

  test.prop([fc.uint8Array({ maxLength: 300 })], { seed: 29, numRuns: 200 })('masked CRC32C agrees with the bitwise reference', (data) => {
    expect(maskedCrc32c(data)).toBe(maskReference(crc32cReference(data)));
  });

  it('writes a header and scalar events that protobufjs decodes, every record framed with valid CRCs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tfevents-'));
    let clock = 1_700_000_000_000;
    const writer = await openEventWriter(dir, () => (clock += 500));
    await writer.scalars(1, { 'train/loss': 2.25, 'train/accuracy': 0.125 });
    await writer.scalars(300, { 'lr/weights': 0.025, skipped: Number.NaN });
    expect((await readdir(dir))[0]).toMatch(/^events\.out\.tfevents\.1700000000\./);
    const records = readRecords(new Uint8Array(await readFile(writer.path)));
    const events = records.map((r) => Event.toObject(Event.decode(r), { longs: Number, defaults: true }) as DecodedEvent);
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({ fileVersion: 'brain.Event:2', step: 0, wallTime: 1_700_000_000.5 });
    expect(events[1]!.step).toBe(1);
    expect(events[1]!.wallTime).toBe(1_700_000_001);
    expect(events[1]!.summary!.value).toEqual([
      { tag: 'train/loss', simpleValue: 2.25 },
      { tag: 'train/accuracy', simpleValue: 0.125 },
    ]);
    // Step 300 needs a two-byte varint; the NaN is left out.
    expect(events[2]!.step).toBe(300);
    expect(events[2]!.summary!.value.map((v) => v.tag)).toEqual(['lr/weights']);
    expect(events[2]!.summary!.value[0]!.simpleValue).toBeCloseTo(0.025, 7);
  });

  it('frames any payload so the reader finds it again', () => {
    const payload = encodeEvent({ wallTime: 1, step: 2 ** 40, scalars: { a: 1 } });
    const [back] = readRecords(tfRecord(payload));
    expect((Event.toObject(Event.decode(back!), { longs: Number }) as { step: number }).step).toBe(2 ** 40);
  });
});

describe('csvOf', () => {
  it('quotes what needs quoting and leaves missing cells empty', () => {
    expect(csvOf(['a', 'b', 'c'], [{ a: 1.5, b: 'x "y", z' }, { a: false, c: 3 }])).toBe('a,b,c\n1.5,"x ""y"", z",\nfalse,,3\n');
  });
});
