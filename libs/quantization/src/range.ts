import * as t from 'io-ts';

/** A closed value range `[min, max]`, e.g. a range recorded during training and stored with a checkpoint. */
export const QuantRange = t.readonly(t.type({ min: t.number, max: t.number }), 'QuantRange');
export type QuantRange = t.TypeOf<typeof QuantRange>;

/** How a range is turned into an affine map: TFApprox's asymmetric default, or symmetric around 0. */
export const QuantMode = t.keyof({ asymmetric: null, symmetric: null }, 'QuantMode');
export type QuantMode = t.TypeOf<typeof QuantMode>;

/**
 * The range of a run of values (NaN is skipped; an empty run gives `{ min: 0, max: 0 }`).
 * @example rangeOf(new Float32Array([2, -1, 3])) // { min: -1, max: 3 }
 */
export const rangeOf = (values: ArrayLike<number>, start = 0, end = values.length, step = 1): QuantRange => {
  let min = Infinity;
  let max = -Infinity;
  for (let i = start; i < end; i += step) {
    const v = values[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : { min: 0, max: 0 };
};

/**
 * The range a mode actually quantizes over: symmetric widens to `[-max|x|, max|x|]`.
 * @example modeRange({ min: -1, max: 3 }, 'symmetric') // { min: -3, max: 3 }
 */
export const modeRange = (range: QuantRange, mode: QuantMode): QuantRange => {
  if (mode === 'asymmetric') return range;
  const a = Math.max(Math.abs(range.min), Math.abs(range.max));
  return { min: -a, max: a };
};
