import { readdirSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';

/** Every multiplier table in ../shared/multipliers, read directly (little-endian uint16, 65536 entries). */
export const sharedTables = (): readonly { readonly name: string; readonly products: Uint16Array }[] => {
  const dir = resolve(process.cwd(), '../shared/multipliers');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bin'))
    .sort()
    .map((f) => {
      const bytes = readFileSync(resolve(dir, f));
      const products = new Uint16Array(65536);
      for (let i = 0; i < 65536; i++) products[i] = bytes.readUInt16LE(2 * i);
      return { name: basename(f, '.bin'), products };
    });
};
