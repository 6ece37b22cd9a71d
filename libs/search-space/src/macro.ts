import * as t from 'io-ts';

/**
 * Network macro-structure: how many cells, initial channels C, stem width multiplier, classes, and optionally
 * explicit reduction cell positions (default: at 1/3 and 2/3 of the depth, see `reductionCellsOf`).
 */
export const Macro = t.readonly(
  t.intersection([
    t.type({ cells: t.number, channels: t.number, stemMultiplier: t.number, classes: t.number }),
    t.partial({ reductions: t.readonlyArray(t.number) }),
  ]),
);
export type Macro = t.TypeOf<typeof Macro>;

/** The DARTS search network: 8 cells, C = 16, stem 3C, 10 classes. */
export const DARTS_SEARCH_MACRO: Macro = { cells: 8, channels: 16, stemMultiplier: 3, classes: 10 };

/** The paper's evaluation network: 20 cells, C = 32 (docs/DARTS.md). */
export const PAPER_EVAL_MACRO: Macro = { cells: 20, channels: 32, stemMultiplier: 3, classes: 10 };

/** The original DARTS evaluation network: 20 cells, C = 36. */
export const DARTS_EVAL_MACRO: Macro = { cells: 20, channels: 36, stemMultiplier: 3, classes: 10 };

/**
 * Positions of the reduction cells: at 1/3 and 2/3 of the depth (integer division, as DARTS does). A one-cell
 * network has one reduction (DARTS's `i in [0, 0]`), not the same cell twice.
 * @example reductionPositions(8) // [2, 5]
 */
export const reductionPositions = (cells: number): readonly number[] => [...new Set([Math.floor(cells / 3), Math.floor((2 * cells) / 3)])];

/**
 * The reduction cells of a macro: its explicit `reductions`, else the DARTS positions. Network builders use this.
 * @example reductionCellsOf({ cells: 20, channels: 32, stemMultiplier: 3, classes: 10 }) // [6, 13]
 */
export const reductionCellsOf = (macro: Macro): readonly number[] => macro.reductions ?? reductionPositions(macro.cells);
