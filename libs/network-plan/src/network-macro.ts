import { reductionPositions } from '@approx-darts/search-space';

/** One cell's place in the macro-structure: its input and output channel counts, reduction flags. */
export interface CellSlot {
  readonly index: number;
  readonly reduction: boolean;
  readonly reductionPrev: boolean;
  readonly cPrevPrev: number;
  readonly cPrev: number;
  readonly c: number;
}

/**
 * Channel bookkeeping of the DARTS macro-structure: stem 3C, channels doubled at each reduction,
 * a cell outputs `multiplier * C` channels (multiplier = concatenated nodes).
 * @example cellSlots(8, 16, 3, 4)[2].c === 32
 */
export const cellSlots = (cells: number, channels: number, stemMultiplier: number, multiplier: number): readonly CellSlot[] => {
  const reductions = reductionPositions(cells);
  const slots: CellSlot[] = [];
  let cPrevPrev = stemMultiplier * channels;
  let cPrev = stemMultiplier * channels;
  let c = channels;
  let reductionPrev = false;
  for (let index = 0; index < cells; index++) {
    const reduction = reductions.includes(index);
    if (reduction) c *= 2;
    slots.push({ index, reduction, reductionPrev, cPrevPrev, cPrev, c });
    [cPrevPrev, cPrev, reductionPrev] = [cPrev, multiplier * c, reduction];
  }
  return slots;
};
