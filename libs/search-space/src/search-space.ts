import { pipe } from 'fp-ts/function';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { DARTS_OPERATIONS } from './darts-operations';
import { formatDecodeErrors, issue, validated, type Issue } from './decode-errors';
import { DARTS_SEARCH_MACRO, Macro, reductionCellsOf } from './macro';
import { Operation, operationProblems } from './operation';
import { PRIMITIVES } from './primitives';
import { unknownKeyProblem } from './unknown-keys';
import { DARTS_TOPOLOGY, Topology } from './topology';

/** An op set: the candidate operations of every edge, in alpha-column order. */
export const OpSet = t.readonlyArray(Operation);
export type OpSet = t.TypeOf<typeof OpSet>;

/** The two cell types of a DARTS network; each has its own op set and alpha matrix. */
export const CellType = t.keyof({ normal: null, reduce: null });
export type CellType = t.TypeOf<typeof CellType>;
export const CELL_TYPES: readonly CellType[] = ['normal', 'reduce'];

/** The structure of a search space, without the semantic checks of `SearchSpace`. */
export const SearchSpaceShape = t.readonly(t.type({ normal: OpSet, reduce: OpSet, topology: Topology, macro: Macro }));

const isPositiveInt = (n: number): boolean => Number.isInteger(n) && n > 0;

/**
 * Problems of one cell type's op set (empty when valid): empty, duplicate names, invalid ops, only `none`.
 * @example opSetIssues('normal', []).map((i) => i.message) // ['is an empty op set']
 */
export const opSetIssues = (cell: CellType, ops: OpSet): readonly Issue[] => {
  if (ops.length === 0) return [issue([cell], 'is an empty op set')];
  const seen = new Map<string, number>();
  const own = ops.flatMap((op, i) => {
    const first = seen.get(op.name);
    if (first === undefined) seen.set(op.name, i);
    const dup = first === undefined ? [] : [issue([cell, i, 'name'], `duplicates the op name '${op.name}' of ${cell}[${first}]`)];
    return [...dup, ...operationProblems(op).map(([field, message]) => issue([cell, i, field], message))];
  });
  // Derivation gives every kept edge its best non-`none` op, so an op set of only `none` can derive nothing.
  const derivable = ops.some((op) => op.kind !== 'none') ? [] : [issue([cell], "needs at least one operation other than 'none'")];
  return [...own, ...derivable];
};

const topologyIssues = (topology: Topology): readonly Issue[] => [
  // Every network builder feeds a cell the outputs of the two cells before it (docs/DARTS.md).
  ...(topology.inputs === 2 ? [] : [issue(['topology', 'inputs'], `must be 2 (a cell reads the outputs of the two cells before it), got ${topology.inputs}`)]),
  ...(isPositiveInt(topology.nodes) ? [] : [issue(['topology', 'nodes'], `must be a positive integer, got ${topology.nodes}`)]),
  ...(!isPositiveInt(topology.edgesPerNode)
    ? [issue(['topology', 'edgesPerNode'], `must be a positive integer, got ${topology.edgesPerNode}`)]
    : topology.edgesPerNode > topology.inputs
      ? // The first intermediate node only has the inputs as predecessors.
        [issue(['topology', 'edgesPerNode'], `exceeds the ${topology.inputs} inputs of the first node, got ${topology.edgesPerNode}`)]
      : []),
];

const macroIssues = (macro: Macro): readonly Issue[] => {
  const ints = (['cells', 'channels', 'stemMultiplier', 'classes'] as const).flatMap((field) =>
    isPositiveInt(macro[field]) ? [] : [issue(['macro', field], `must be a positive integer, got ${macro[field]}`)],
  );
  const reductions = reductionCellsOf(macro);
  const range = reductions.flatMap((r, i) =>
    Number.isInteger(r) && r >= 0 && r < macro.cells
      ? i > 0 && r <= (reductions[i - 1] ?? -1)
        ? [issue(['macro', 'reductions', i], `must be increasing, got ${r} after ${reductions[i - 1]}`)]
        : []
      : [issue(['macro', 'reductions', i], `is out of range 0..${macro.cells - 1}, got ${r}`)],
  );
  return [...ints, ...range];
};

/** The op sets of the two cell types: what a space searches over, and what a genotype's op names refer to. */
export const CellOpSetsShape = t.readonly(t.type({ normal: OpSet, reduce: OpSet }));
export type CellOpSets = t.TypeOf<typeof CellOpSetsShape>;

/** Op sets per cell type, each checked as a space's (`opSetIssues`). */
export const CellOpSets = validated(CellOpSetsShape, (sets) => [...opSetIssues('normal', sets.normal), ...opSetIssues('reduce', sets.reduce)], 'CellOpSets');

/**
 * Every semantic problem of a structurally valid space (empty when valid).
 * @example searchSpaceIssues(DARTS_SPACE).length === 0
 */
export const searchSpaceIssues = (space: t.TypeOf<typeof SearchSpaceShape>): readonly Issue[] => [
  ...opSetIssues('normal', space.normal),
  ...opSetIssues('reduce', space.reduce),
  ...topologyIssues(space.topology),
  ...macroIssues(space.macro),
];

/**
 * A search space: per-cell-type op sets, the cell topology and the macro-structure. The codec rejects invalid
 * spaces (duplicate op names, even kernels, zero nodes, edgesPerNode > inputs, reductions out of range, ...).
 */
export const SearchSpace = validated(SearchSpaceShape, searchSpaceIssues, 'SearchSpace');
export type SearchSpace = t.TypeOf<typeof SearchSpaceShape>;

/**
 * Decodes a search space from JSON, with one readable line per problem naming its path.
 * @example decodeSearchSpace({ ...DARTS_SPACE, topology: { inputs: 2, nodes: 0, edgesPerNode: 2 } })
 *   // left('topology.nodes must be a positive integer, got 0')
 */
export const decodeSearchSpace = (json: unknown): E.Either<string, SearchSpace> =>
  pipe(
    SearchSpace.decode(json),
    E.mapLeft(formatDecodeErrors),
    // A misspelled key (`macros`, `multipler`) would otherwise be dropped and its default used without a word.
    E.chainFirst(() => {
      const problem = unknownKeyProblem(SearchSpaceShape, json);
      return problem === undefined ? E.right(undefined) : E.left(problem);
    }),
  );

/**
 * The op set of one cell type.
 * @example opSetOf(DARTS_SPACE, 'reduce').length === 8
 */
export const opSetOf = (space: SearchSpace, cell: CellType): OpSet => space[cell];

/** The original DARTS 8 operations in their original order. */
export const DARTS_OP_SET: OpSet = PRIMITIVES.map((p) => DARTS_OPERATIONS[p]);

/**
 * The original DARTS search space (exact arithmetic).
 * @example DARTS_SPACE.normal.length === 8
 */
export const DARTS_SPACE: SearchSpace = { normal: DARTS_OP_SET, reduce: DARTS_OP_SET, topology: DARTS_TOPOLOGY, macro: DARTS_SEARCH_MACRO };
