import * as t from 'io-ts';
import { DARTS_OPERATIONS } from './darts-operations';
import { DARTS_SEARCH_MACRO, Macro } from './macro';
import { Operation } from './operation';
import { PRIMITIVES } from './primitives';
import { DARTS_TOPOLOGY, Topology } from './topology';

/** An op set: the candidate operations of every edge, in alpha-column order. */
export const OpSet = t.readonlyArray(Operation);
export type OpSet = t.TypeOf<typeof OpSet>;

/** A search space: per-cell-type op sets, the cell topology and the macro-structure. */
export const SearchSpace = t.readonly(t.type({ normal: OpSet, reduce: OpSet, topology: Topology, macro: Macro }));
export type SearchSpace = t.TypeOf<typeof SearchSpace>;

/** The original DARTS 8 operations in their original order. */
export const DARTS_OP_SET: OpSet = PRIMITIVES.map((p) => DARTS_OPERATIONS[p]);

/**
 * The original DARTS search space (exact arithmetic).
 * @example DARTS_SPACE.normal.length === 8
 */
export const DARTS_SPACE: SearchSpace = { normal: DARTS_OP_SET, reduce: DARTS_OP_SET, topology: DARTS_TOPOLOGY, macro: DARTS_SEARCH_MACRO };
