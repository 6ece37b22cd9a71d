import { CELL_TYPES, DARTS_SPACE, type CellOpSets, type CellType, type OpSet, type SearchSpace } from './search-space';
import { exactOp, withMultiplier, type Operation } from './operation';
import type { Macro } from './macro';

/** Which cell types a combinator touches; default both. */
export type Cells = CellType | readonly CellType[];
const cellsOf = (cells: Cells | undefined): readonly CellType[] => (cells === undefined ? CELL_TYPES : typeof cells === 'string' ? [cells] : cells);

/**
 * Applies `f` to the op set of the chosen cell types.
 * @example mapOpSets((ops) => ops.slice(1), 'reduce')(DARTS_SPACE).reduce.length === 7
 */
export const mapOpSets =
  (f: (ops: OpSet, cell: CellType) => OpSet, cells?: Cells) =>
  (space: SearchSpace): SearchSpace =>
    cellsOf(cells).reduce<SearchSpace>((s, cell) => ({ ...s, [cell]: f(s[cell], cell) }), space);

/**
 * Keeps only the named ops (in the op set's order). Unknown names are ignored; the codec rejects an empty result.
 * @example restrictOps(['none', 'sep_conv_3x3'])(DARTS_SPACE).normal.map((o) => o.name) // ['none', 'sep_conv_3x3']
 */
export const restrictOps = (names: readonly string[], cells?: Cells): ((space: SearchSpace) => SearchSpace) =>
  mapOpSets((ops) => ops.filter((op) => names.includes(op.name)), cells);

/**
 * Removes the named ops.
 * @example withoutOps(['none'])(DARTS_SPACE).normal.length === 7
 */
export const withoutOps = (names: readonly string[], cells?: Cells): ((space: SearchSpace) => SearchSpace) =>
  mapOpSets((ops) => ops.filter((op) => !names.includes(op.name)), cells);

/**
 * Appends ops (new alpha columns at the end). Duplicate names are rejected by the codec, not silently merged.
 * @example extendOps([sepConv(7)])(DARTS_SPACE).normal.length === 9
 */
export const extendOps = (extra: readonly Operation[], cells?: Cells): ((space: SearchSpace) => SearchSpace) =>
  mapOpSets((ops) => [...ops, ...extra], cells);

/**
 * Sets the op set of each cell type independently.
 * @example withOpSets({ reduce: DARTS_OP_SET.slice(0, 4) })(DARTS_SPACE).reduce.length === 4
 */
export const withOpSets =
  (sets: { readonly normal?: OpSet; readonly reduce?: OpSet }) =>
  (space: SearchSpace): SearchSpace => ({ ...space, ...sets });

/**
 * Changes the number of intermediate nodes (edges and the concat follow from the topology).
 * @example edgesOf(withNodes(5)(DARTS_SPACE).topology).length === 20
 */
export const withNodes =
  (nodes: number) =>
  (space: SearchSpace): SearchSpace => ({ ...space, topology: { ...space.topology, nodes } });

/**
 * Changes how many incoming edges each node keeps in a derived genotype.
 * @example withEdgesPerNode(1)(DARTS_SPACE).topology.edgesPerNode === 1
 */
export const withEdgesPerNode =
  (edgesPerNode: number) =>
  (space: SearchSpace): SearchSpace => ({ ...space, topology: { ...space.topology, edgesPerNode } });

/**
 * Overrides fields of the macro-structure.
 * @example withMacro({ cells: 5 })(DARTS_SPACE).macro.cells === 5
 */
export const withMacro =
  (patch: Partial<Macro>) =>
  (space: SearchSpace): SearchSpace => ({ ...space, macro: { ...space.macro, ...patch } });

/**
 * Binds `multiplier` to the approximable ops (all of them, or only those named in `ops`) of the chosen cells.
 * @example bindMultiplier('mul8u_NGR', { ops: ['sep_conv_3x3'] })(DARTS_SPACE).normal[4] // { ..., multiplier: 'mul8u_NGR' }
 */
export const bindMultiplier = (
  multiplier: string,
  where: { readonly ops?: readonly string[]; readonly cells?: Cells } = {},
): ((space: SearchSpace) => SearchSpace) =>
  mapOpSets((ops) => ops.map((op) => (where.ops === undefined || where.ops.includes(op.name) ? withMultiplier(multiplier)(op) : op)), where.cells);

/**
 * Removes every multiplier binding (exact float arithmetic everywhere).
 * @example unbindMultipliers(approxDartsSpace('mul8u_NGR')) // DARTS_SPACE
 */
export const unbindMultipliers = (space: SearchSpace): SearchSpace => mapOpSets((ops) => ops.map(exactOp))(space);

/**
 * The ApproxDARTS space: the DARTS ops with every sep/dil convolution bound to `multiplier` (docs/DARTS.md).
 * @example approxDartsSpace('mul8u_NGR').normal.filter((o) => multiplierOf(o) === 'mul8u_NGR').length === 4
 */
export const approxDartsSpace = (multiplier: string): SearchSpace => bindMultiplier(multiplier)(DARTS_SPACE);

/**
 * The distinct multipliers a space (or a genotype's op sets) binds, for loading tables once.
 * @example multipliersOf(approxDartsSpace('mul8u_2AC')) // ['mul8u_2AC']
 */
export const multipliersOf = (sets: CellOpSets): readonly string[] => [
  ...new Set(CELL_TYPES.flatMap((cell) => sets[cell].flatMap((op) => ('multiplier' in op && op.multiplier !== undefined ? [op.multiplier] : [])))),
];
