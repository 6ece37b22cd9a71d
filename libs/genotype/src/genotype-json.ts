import { pipe } from 'fp-ts/function';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { CellOpSets, formatDecodeErrors } from '@approx-darts/search-space';
import { Genotype, edgesPerNodeOf, flattenCell, groupEdges, type GenotypeCell } from './genotype';

/** One edge in the flat DARTS form: `[op, input]`, or `[op, input, multiplier]` when the edge has its own table. */
const EdgePair = t.tuple([t.string, t.number]);
const EdgeTriple = t.tuple([t.string, t.number, t.string]);
type FlatEdgeValue = t.TypeOf<typeof EdgePair> | t.TypeOf<typeof EdgeTriple>;
// io-ts tuples drop extra elements, so the length picks the form: a bad third element is an error, not dropped.
export const FlatEdge = new t.Type<FlatEdgeValue, FlatEdgeValue, unknown>(
  'FlatEdge',
  (u): u is FlatEdgeValue => EdgePair.is(u) || EdgeTriple.is(u),
  (u, c) =>
    Array.isArray(u) && u.length === 3
      ? EdgeTriple.validate(u, c)
      : Array.isArray(u) && u.length === 2
        ? EdgePair.validate(u, c)
        : t.failure(u, c, 'must be [op, input] or [op, input, multiplier]'),
  (a) => a,
);

/**
 * The canonical JSON form of a genotype, flat as DARTS publishes it; edges are grouped `edges_per_node` per node
 * (2 when absent); `ops`, when present, defines every op name the cells use (see `Genotype`).
 */
export const GenotypeJson = t.intersection([
  t.type({
    normal: t.readonlyArray(FlatEdge),
    normal_concat: t.readonlyArray(t.number),
    reduce: t.readonlyArray(FlatEdge),
    reduce_concat: t.readonlyArray(t.number),
  }),
  t.partial({ edges_per_node: t.number, ops: CellOpSets }),
]);
export type GenotypeJson = t.TypeOf<typeof GenotypeJson>;

const DEFAULT_EDGES_PER_NODE = 2;

const cellFromFlat = (edges: GenotypeJson['normal'], concat: readonly number[], k: number): GenotypeCell => ({
  nodes: groupEdges(
    edges.map(([op, input, multiplier]) => (multiplier === undefined ? { op, input } : { op, input, multiplier })),
    k,
  ),
  concat,
});

const cellToFlat = (cell: GenotypeCell): GenotypeJson['normal'] =>
  flattenCell(cell).map((e): [string, number] | [string, number, string] => (e.multiplier === undefined ? [e.op, e.input] : [e.op, e.input, e.multiplier]));

/**
 * Codec between the flat JSON form and the nested `Genotype`: decoding groups edges per node and checks the
 * counts; encoding writes `edges_per_node` only when it is not 2.
 * @example GenotypeFromJson.encode(DARTS_V2).normal[0] // ['sep_conv_3x3', 0]
 */
export const GenotypeFromJson = new t.Type<Genotype, GenotypeJson, unknown>(
  'GenotypeFromJson',
  Genotype.is,
  (u, c) =>
    pipe(
      GenotypeJson.validate(u, c),
      E.chain((flat) => {
        const k = flat.edges_per_node ?? DEFAULT_EDGES_PER_NODE;
        if (!Number.isInteger(k) || k < 1) return t.failure(u, c, `edges_per_node must be a positive integer, got ${k}`);
        const uneven = (['normal', 'reduce'] as const).find((cell) => flat[cell].length % k !== 0);
        if (uneven !== undefined)
          return t.failure(u, [...c, { key: uneven, type: t.unknown, actual: flat[uneven] }], `has ${flat[uneven].length} edges, not a multiple of ${k} per node`);
        const { ops } = flat;
        const undefinedOp = ops === undefined ? [] : (['normal', 'reduce'] as const).flatMap((cell) => flat[cell].flatMap(([op], i) => (ops[cell].some((o) => o.name === op) ? [] : [{ cell, i, op }])));
        if (undefinedOp.length > 0)
          return t.failures(
            undefinedOp.map(({ cell, i, op }) => ({
              value: op,
              message: `'${op}' is not an operation of ops.${cell}`,
              context: [...c, { key: cell, type: t.unknown, actual: undefined }, { key: String(i), type: t.unknown, actual: undefined }],
            })),
          );
        const cells = { normal: cellFromFlat(flat.normal, flat.normal_concat, k), reduce: cellFromFlat(flat.reduce, flat.reduce_concat, k) };
        return t.success(ops === undefined ? cells : { ...cells, ops });
      }),
    ),
  (g) => {
    const k = edgesPerNodeOf(g);
    const flat = { normal: cellToFlat(g.normal), normal_concat: g.normal.concat, reduce: cellToFlat(g.reduce), reduce_concat: g.reduce.concat };
    const withK = k === DEFAULT_EDGES_PER_NODE ? flat : { ...flat, edges_per_node: k };
    return g.ops === undefined ? withK : { ...withK, ops: g.ops };
  },
);

/**
 * Decodes a genotype from its flat JSON form, with readable messages naming the failing field.
 * @example decodeGenotypeJson({ normal: [], normal_concat: [], reduce: [], reduce_concat: [] }) // right({ normal: { nodes: [], concat: [] }, ... })
 */
export const decodeGenotypeJson = (json: unknown): E.Either<string, Genotype> => pipe(GenotypeFromJson.decode(json), E.mapLeft(formatDecodeErrors));

/**
 * The flat JSON form of a genotype (what `genotype.json` files hold).
 * @example genotypeToJson(DARTS_V2).normal_concat // [2, 3, 4, 5]
 */
export const genotypeToJson = (genotype: Genotype): GenotypeJson => GenotypeFromJson.encode(genotype);
