import { reductionCellsOf, type Macro } from './macro';

/** One cell's place in the macro-structure: its input and output channel counts and reduction flags. */
export interface CellSlot {
  readonly index: number;
  readonly reduction: boolean;
  readonly reductionPrev: boolean;
  readonly cPrevPrev: number;
  readonly cPrev: number;
  /** The cell's node width C (doubled at each reduction). */
  readonly c: number;
  /** Channels of the cell's output: its concatenated nodes times C. */
  readonly out: number;
}

/**
 * Channel bookkeeping of the DARTS macro-structure, the one place every network (search, evaluation, plans)
 * takes it from: stem `stemMultiplier * C`, C doubled at each reduction cell (`reductionCellsOf`), each cell's
 * output the concatenation of `concat[kind]` nodes of C channels.
 * @example cellSlots(DARTS_SEARCH_MACRO, { normal: 4, reduce: 4 })[2].c === 32
 */
export const cellSlots = (macro: Macro, concat: { readonly normal: number; readonly reduce: number }): readonly CellSlot[] => {
  const reductions = reductionCellsOf(macro);
  const slots: CellSlot[] = [];
  let cPrevPrev = macro.stemMultiplier * macro.channels;
  let cPrev = cPrevPrev;
  let c = macro.channels;
  let reductionPrev = false;
  for (let index = 0; index < macro.cells; index++) {
    const reduction = reductions.includes(index);
    if (reduction) c *= 2;
    const out = (reduction ? concat.reduce : concat.normal) * c;
    slots.push({ index, reduction, reductionPrev, cPrevPrev, cPrev, c, out });
    [cPrevPrev, cPrev, reductionPrev] = [cPrev, out, reduction];
  }
  return slots;
};
