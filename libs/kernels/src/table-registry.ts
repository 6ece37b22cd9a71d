import type { MultiplierTable } from '@approx-darts/multipliers';

// Kernel attrs must be plain data, so tables are registered here by name and the kernels look them up by id.
const tables = new Map<string, MultiplierTable>();
const widened = new WeakMap<Uint16Array, Int32Array>();

/** A table's id in kernel attrs. */
export const tableId = (table: MultiplierTable): string => table.name;

/** Make a table available to the kernels under its name (a different table under the same name replaces it). */
export const registerTable = (table: MultiplierTable): string => {
  if (table.products.length !== 65536) throw new RangeError(`multiplier table ${table.name} has ${table.products.length} entries, expected 65536 (256 x 256)`);
  if (tables.get(table.name) !== table) tables.set(table.name, table);
  return tableId(table);
};

/** The registered table of an id; throws naming the id when it was never registered. */
export const tableById = (id: string): MultiplierTable => {
  const table = tables.get(id);
  if (table === undefined) throw new Error(`approximate kernel: no multiplier table registered under '${id}' (call registerTable first)`);
  return table;
};

/** An Int32Array copy of a table's products, made once per table: the hot loops index it without widening. */
export const int32Products = (products: Uint16Array): Int32Array => {
  let copy = widened.get(products);
  if (copy === undefined) {
    copy = Int32Array.from(products);
    widened.set(products, copy);
  }
  return copy;
};
