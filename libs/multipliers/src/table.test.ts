import { describe, expect } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { exactTable, tableFromBytes, tableFromFunction, tableIndex, tableToBytes, TABLE_BYTES } from './table';

describe('multiplier tables', () => {
  test.prop([fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })])('the exact table holds a*b', (a, b) => {
    expect(exactTable().products[tableIndex(a, b)]).toBe(a * b);
  });

  // Random tables from a seeded hash: generating 131072 arbitrary bytes per run is needlessly slow.
  test.prop([fc.integer({ min: 1, max: 2 ** 31 - 1 })], { numRuns: 5 })('bytes round-trip', (seed) => {
    const table = tableFromFunction('t', (a, b) => Math.imul(seed, a * 257 + b + 1) >>> 7);
    const back = tableFromBytes('t', tableToBytes(table));
    expect(back && Buffer.from(back.products.buffer).equals(Buffer.from(table.products.buffer))).toBe(true);
  });

  test('bytes are little-endian, index a*256+b', () => {
    const bytes = tableToBytes(tableFromFunction('t', (a, b) => (a === 1 && b === 2 ? 0x1234 : 0)));
    expect([bytes[2 * 258], bytes[2 * 258 + 1]]).toEqual([0x34, 0x12]);
  });

  test('a wrong size is refused', () => {
    expect(tableFromBytes('t', new Uint8Array(TABLE_BYTES - 2))).toBeUndefined();
  });
});
