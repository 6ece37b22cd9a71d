/** Side of an 8-bit operand range: operands are 0..255. */
export const OPERANDS = 256;
/** Entries of a table: every (a, b) pair. */
export const TABLE_ENTRIES = OPERANDS * OPERANDS;
/** Bytes of a table file: 65536 little-endian uint16. */
export const TABLE_BYTES = TABLE_ENTRIES * 2;

/**
 * An 8x8-bit unsigned multiplier as a lookup table: `products[a * 256 + b] = mul(a, b)`,
 * `a` the activation (first C argument), `b` the weight. Most approximate tables are not symmetric.
 */
export interface MultiplierTable {
  readonly name: string;
  readonly products: Uint16Array;
}

/**
 * Index of the pair (a, b) in a table.
 * @example tableIndex(1, 2) === 258
 */
export const tableIndex = (a: number, b: number): number => a * OPERANDS + b;

/**
 * Tabulates a multiplier given as a function of (a, b); results are truncated to 16 bits like a C `uint16_t`.
 * @example tableFromFunction('mul8u_TRUNC', (a, b) => (a * b) & ~0xff).products[tableIndex(3, 100)] === 256
 */
export const tableFromFunction = (name: string, mul: (a: number, b: number) => number): MultiplierTable => {
  const products = new Uint16Array(TABLE_ENTRIES);
  for (let a = 0; a < OPERANDS; a++) for (let b = 0; b < OPERANDS; b++) products[tableIndex(a, b)] = mul(a, b) & 0xffff;
  return { name, products };
};

/** Name of the exact 8-bit multiplier of EvoApprox8b (the paper's exact 8-bit baseline). */
export const EXACT_MULTIPLIER = 'mul8u_1JFF';

/**
 * The exact 8-bit multiplier, generated (equal to the `mul8u_1JFF` table).
 * @example exactTable().products[tableIndex(255, 255)] === 65025
 */
export const exactTable = (): MultiplierTable => tableFromFunction(EXACT_MULTIPLIER, (a, b) => a * b);

/**
 * Decodes a table file's bytes (little-endian uint16, whatever the host's endianness); undefined when the size is wrong.
 * @example tableFromBytes('x', new Uint8Array(TABLE_BYTES))?.products.length === 65536
 */
export const tableFromBytes = (name: string, bytes: Uint8Array): MultiplierTable | undefined => {
  if (bytes.length !== TABLE_BYTES) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const products = new Uint16Array(TABLE_ENTRIES);
  for (let i = 0; i < TABLE_ENTRIES; i++) products[i] = view.getUint16(2 * i, true);
  return { name, products };
};

/**
 * Encodes a table as its file bytes (little-endian uint16).
 * @example tableToBytes(exactTable()).length === 131072
 */
export const tableToBytes = (table: MultiplierTable): Uint8Array => {
  const bytes = new Uint8Array(TABLE_BYTES);
  const view = new DataView(bytes.buffer);
  table.products.forEach((p, i) => view.setUint16(2 * i, p, true));
  return bytes;
};
