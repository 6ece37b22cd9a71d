/**
 * Softmax of a row, shifted by its max for stability. The normalizer is summed in sorted order so that the
 * result does not depend on the order of the columns (derivation is exactly invariant to permuting ops).
 * @example softmax([0, 0]) // [0.5, 0.5]
 */
export const softmax = (row: readonly number[]): readonly number[] => {
  const max = Math.max(...row);
  const exps = row.map((a) => Math.exp(a - max));
  const total = [...exps].sort((a, b) => a - b).reduce((s, e) => s + e, 0);
  return exps.map((e) => e / total);
};
