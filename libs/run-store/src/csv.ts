/** A CSV cell: numbers as JavaScript prints them (round-trip exact), text quoted when it holds a comma, quote or newline. */
const cell = (v: string | number | boolean | undefined): string => {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * CSV text (RFC 4180 quoting, header first) of rows under the given columns; a missing value is an empty cell.
 * @example csvOf(['a', 'b'], [{ a: 1, b: 'x,y' }]) === 'a,b\n1,"x,y"\n'
 */
export const csvOf = (columns: readonly string[], rows: readonly Readonly<Record<string, string | number | boolean | undefined>>[]): string =>
  [columns.map(cell).join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].map((l) => `${l}\n`).join('');
