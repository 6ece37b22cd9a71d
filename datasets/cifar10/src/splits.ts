import { NUM_CLASSES } from './record-format';
import { createRng, shuffled, type Rng } from './prng';

/** Two disjoint sets of record indices, each sorted ascending (order is the batch iterator's business). */
export interface Partition {
  readonly taken: Int32Array;
  readonly rest: Int32Array;
}

/**
 * Splits `total` over classes in proportion to their sizes, with exact sum (largest remainder;
 * ties to the lower class). Never more than a class holds.
 */
export const proportionalQuotas = (counts: readonly number[], total: number): readonly number[] => {
  const n = counts.reduce((a, b) => a + b, 0);
  const want = Math.max(0, Math.min(total, n));
  if (n === 0) return counts.map(() => 0);
  const exact = counts.map((c) => (c * want) / n);
  const quotas = exact.map(Math.floor);
  const left = want - quotas.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order.slice(0, left)) quotas[i]! += 1;
  return quotas;
};

const byClass = (labels: ArrayLike<number>): readonly number[][] => {
  const lists: number[][] = Array.from({ length: NUM_CLASSES }, () => []);
  for (let i = 0; i < labels.length; i++) lists[labels[i] ?? 0]!.push(i);
  return lists;
};

const sorted = (xs: readonly number[]): Int32Array => Int32Array.from(xs).sort();

/**
 * Takes `total` records, stratified by class (each class in proportion), chosen at random by
 * `rng`; the rest go to `rest`. Deterministic for a given rng state.
 */
export const stratifiedPartition = (labels: ArrayLike<number>, total: number, rng: Rng): Partition => {
  const lists = byClass(labels);
  const quotas = proportionalQuotas(
    lists.map((l) => l.length),
    total,
  );
  const taken: number[] = [];
  const rest: number[] = [];
  lists.forEach((list, c) => {
    const order = shuffled(list, rng);
    const q = quotas[c] ?? 0;
    taken.push(...order.slice(0, q));
    rest.push(...order.slice(q));
  });
  return { taken: sorted(taken), rest: sorted(rest) };
};

/**
 * The search's split of the training set into a weight half and an architecture half
 * (DARTS: 50/50), stratified and seeded.
 * @example const { weights, arch } = searchSplit(train.labels, { seed: 2 }); // 25000 + 25000 of the full set
 */
export const searchSplit = (
  labels: ArrayLike<number>,
  opts: { readonly seed: number; readonly weightFraction?: number },
): { readonly weights: Int32Array; readonly arch: Int32Array } => {
  const p = stratifiedPartition(labels, Math.floor(labels.length * (opts.weightFraction ?? 0.5)), createRng(opts.seed));
  return { weights: p.taken, arch: p.rest };
};

/** A held-out validation subset of `count` records (stratified, seeded); `train` is everything else. */
export const holdOutSplit = (
  labels: ArrayLike<number>,
  opts: { readonly seed: number; readonly count: number },
): { readonly train: Int32Array; readonly validation: Int32Array } => {
  const p = stratifiedPartition(labels, opts.count, createRng(opts.seed));
  return { train: p.rest, validation: p.taken };
};

/** The indices of a stratified subset of `limit` records (the `--limit` flag), seeded. */
export const stratifiedLimit = (labels: ArrayLike<number>, limit: number, seed: number): Int32Array =>
  stratifiedPartition(labels, limit, createRng(seed)).taken;
