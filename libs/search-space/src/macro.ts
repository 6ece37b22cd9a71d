import * as t from 'io-ts';

/** Network macro-structure: how many cells, initial channels C, stem width multiplier, classes. */
export const Macro = t.readonly(t.type({ cells: t.number, channels: t.number, stemMultiplier: t.number, classes: t.number }));
export type Macro = t.TypeOf<typeof Macro>;

/** The DARTS search network: 8 cells, C = 16, stem 3C, 10 classes. */
export const DARTS_SEARCH_MACRO: Macro = { cells: 8, channels: 16, stemMultiplier: 3, classes: 10 };

/**
 * Positions of the reduction cells: at 1/3 and 2/3 of the depth (integer division, as DARTS does).
 * @example reductionPositions(8) // [2, 5]
 */
export const reductionPositions = (cells: number): readonly number[] => [Math.floor(cells / 3), Math.floor((2 * cells) / 3)];
