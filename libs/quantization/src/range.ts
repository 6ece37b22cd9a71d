import * as t from 'io-ts';
import { f32, flushSubnormal } from './f32';

/** A closed value range `[min, max]`, e.g. a range recorded during training and stored with a checkpoint. */
export const QuantRange = t.readonly(t.type({ min: t.number, max: t.number }), 'QuantRange');
export type QuantRange = t.TypeOf<typeof QuantRange>;

/** How a range is turned into an affine map: TFApprox's asymmetric default, or symmetric around 0. */
export const QuantMode = t.keyof({ asymmetric: null, symmetric: null }, 'QuantMode');
export type QuantMode = t.TypeOf<typeof QuantMode>;

/**
 * The binary32 range of a run of values: their float32 min and max (NaN is skipped; an empty run gives
 * `{ min: 0, max: 0 }`). Rounding to float32 is monotone, so this is the min and max of the values as float32.
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
  return min <= max ? { min: f32(min), max: f32(max) } : { min: 0, max: 0 };
};

/**
 * The range the specification works with (SPEC.md, step 1): both ends as binary32 with subnormals read as 0; a range
 * that is not `lo <= hi` with both ends finite (empty, NaN, infinite, reversed) reads as `[0, 0]`, so every engine
 * agrees on it whatever its reduction returned for an empty or non-finite tensor.
 * @example specRange({ min: -Infinity, max: 1 }) // { min: 0, max: 0 }
 * @example specRange({ min: 1e-40, max: 0.1 }) // { min: 0, max: Math.fround(0.1) }
 */
export const specRange = (range: QuantRange): QuantRange => {
  const lo = flushSubnormal(f32(range.min));
  const hi = flushSubnormal(f32(range.max));
  return lo <= hi && Number.isFinite(lo) && Number.isFinite(hi) ? { min: lo, max: hi } : { min: 0, max: 0 };
};
