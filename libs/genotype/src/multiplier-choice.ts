import * as t from 'io-ts';
import { edgesOf, exactOp, isApproximable, withMultiplier, type OpSet, type Operation, type SearchSpace } from '@approx-darts/search-space';
import type { Genotype, GenotypeCell, GenotypeEdge } from './genotype';

/** The multiplier name that stands for exact float32 arithmetic in a multiplier set. */
export const FP32_CHOICE = 'fp32';

/**
 * Architecture parameters over multipliers (an energy-aware search): per cell type, `[edge][k][m]` where k runs over
 * the approximable ops of the cell's op set (`approximableColumns`) and m over `multipliers`.
 */
export const MultiplierAlphas = t.readonly(
  t.type({
    multipliers: t.readonlyArray(t.string),
    normal: t.readonlyArray(t.readonlyArray(t.readonlyArray(t.number))),
    reduce: t.readonlyArray(t.readonlyArray(t.readonlyArray(t.number))),
  }),
);
export type MultiplierAlphas = t.TypeOf<typeof MultiplierAlphas>;

/**
 * The op-set columns whose ops multiply (sep/dil/conv), in order: the k axis of `MultiplierAlphas`.
 * @example approximableColumns(DARTS_SPACE.normal) // [4, 5, 6, 7]
 */
export const approximableColumns = (ops: OpSet): readonly number[] => ops.flatMap((op, i) => (isApproximable(op) ? [i] : []));

const argmax = (row: readonly number[]): number => row.reduce((best, v, i) => (v > (row[best] ?? -Infinity) ? i : best), 0);

const cellMultipliers = (ops: OpSet, space: SearchSpace, cell: GenotypeCell, betas: readonly (readonly (readonly number[])[])[], names: readonly string[]): GenotypeCell => {
  const { inputs } = space.topology;
  const edges = edgesOf(space.topology);
  const columns = approximableColumns(ops);
  return {
    ...cell,
    nodes: cell.nodes.map((kept, node) =>
      kept.map((edge): GenotypeEdge => {
        const at = edges.find((e) => e.from === edge.input && e.to === inputs + node);
        const k = columns.indexOf(ops.findIndex((op) => op.name === edge.op));
        const row = at === undefined || k < 0 ? undefined : betas[at.index]?.[k];
        const name = row === undefined ? undefined : names[argmax(row)];
        return name === undefined ? edge : { ...edge, multiplier: name };
      }),
    ),
  };
};

/**
 * Gives each kept approximable edge of a derived genotype its strongest multiplier (first on ties), the second
 * half of an energy-aware derivation: the ops are kept by the DARTS rule first (`derive`), as the issue asks.
 * @example withDerivedMultipliers(DARTS_SPACE, { multipliers: ['mul8u_NGR'], normal: Array.from({ length: 14 }, () => [[0], [0], [0], [0]]), reduce: [] })(DARTS_V2).normal.nodes[0]?.[0]?.multiplier === 'mul8u_NGR'
 */
export const withDerivedMultipliers =
  (space: SearchSpace, betas: MultiplierAlphas) =>
  (genotype: Genotype): Genotype => ({
    ...genotype,
    normal: cellMultipliers(space.normal, space, genotype.normal, betas.normal, betas.multipliers),
    reduce: cellMultipliers(space.reduce, space, genotype.reduce, betas.reduce, betas.multipliers),
  });

/**
 * The op an edge runs: its own multiplier when it names one (`fp32`: exact), else `op` as the run bound it.
 * @example edgeOperation(sepConv(3), { op: 'sep_conv_3x3', input: 0, multiplier: 'mul8u_NGR' }).multiplier === 'mul8u_NGR'
 */
export const edgeOperation = (op: Operation, edge: GenotypeEdge): Operation => {
  if (edge.multiplier === undefined || !isApproximable(op)) return op;
  return edge.multiplier === FP32_CHOICE ? exactOp(op) : withMultiplier(edge.multiplier)(op);
};

/**
 * Whether any edge of a genotype carries its own multiplier.
 * @example hasEdgeMultipliers(DARTS_V2) === false
 */
export const hasEdgeMultipliers = (genotype: Genotype): boolean =>
  [genotype.normal, genotype.reduce].some((c) => c.nodes.some((edges) => edges.some((e) => e.multiplier !== undefined)));

/**
 * The distinct multipliers a genotype's edges name, in order of first use.
 * @example edgeMultipliers(DARTS_V2) // []
 */
export const edgeMultipliers = (genotype: Genotype): readonly string[] => [
  ...new Set([genotype.normal, genotype.reduce].flatMap((c) => c.nodes.flatMap((edges) => edges.flatMap((e) => (e.multiplier === undefined ? [] : [e.multiplier]))))),
];
