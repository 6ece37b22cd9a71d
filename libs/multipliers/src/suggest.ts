/**
 * Edit distance with adjacent transpositions (optimal string alignment), case-insensitive: names are typed by hand
 * and swapped letters are the usual typo.
 * @example editDistance('mul8u_NRG', 'mul8u_ngr') === 1
 */
export const editDistance = (x: string, y: string): number => {
  const a = x.toLowerCase();
  const b = y.toLowerCase();
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  return at(a.length, b.length);
};

const codeOf = (name: string): string => name.replace(/^mul8u_/i, '');

/**
 * Known names close to a mistyped one, best first (at most `limit`); compares the codes after `mul8u_`, so a bare
 * code such as `NGR` matches `mul8u_NGR`.
 * @example closeNames('mul8u_NRG', ['mul8u_NGR', 'mul8u_DM1']) // ['mul8u_NGR']
 */
export const closeNames = (wanted: string, known: readonly string[], limit = 3): readonly string[] => {
  const code = codeOf(wanted);
  const allowed = Math.max(1, Math.floor(code.length / 3));
  return known
    .map((name) => ({ name, d: editDistance(code, codeOf(name)) }))
    .filter(({ d }) => d <= allowed)
    .sort((p, q) => p.d - q.d || p.name.localeCompare(q.name))
    .slice(0, limit)
    .map(({ name }) => name);
};
