import { stridesOf } from './cpu-tensor';

// Slice, PadV2 and SplitV all move an N-d box of one row-major array into another. Below the innermost axis where
// the box is narrower than its array, the box is one contiguous run in both arrays, so the copy is an odometer over
// the outer axes moving whole runs (typed-array `set` for long runs, a plain loop for short ones).

type Values = Float32Array | Int32Array | Uint8Array;

const SHORT_RUN = 32;

/**
 * Copies the box of extent `box` starting at `srcBegin` in `src` (shape `srcShape`) to `dstBegin` in `dst`
 * (shape `dstShape`). All arrays have the same rank.
 */
export const copyBox = (
  src: Values, srcShape: readonly number[], srcBegin: readonly number[],
  dst: Values, dstShape: readonly number[], dstBegin: readonly number[],
  box: readonly number[],
): void => {
  const rank = box.length;
  if (box.some((d) => d === 0)) return;
  // Innermost axis k where the box does not cover both arrays fully; axes after k form one contiguous run.
  let k = rank - 1;
  while (k > 0 && box[k] === srcShape[k] && box[k] === dstShape[k]) k--;
  const sStr = stridesOf(srcShape), dStr = stridesOf(dstShape);
  const run = (box[k] ?? 1) * (sStr[k] ?? 1);
  if (run === 0) return;
  let sOff = 0, dOff = 0;
  for (let j = 0; j <= k; j++) { sOff += (srcBegin[j] ?? 0) * (sStr[j] ?? 0); dOff += (dstBegin[j] ?? 0) * (dStr[j] ?? 0); }
  const idx = new Array<number>(k).fill(0);
  for (;;) {
    if (run >= SHORT_RUN) dst.set(src.subarray(sOff, sOff + run), dOff);
    else for (let i = 0; i < run; i++) dst[dOff + i] = src[sOff + i]!;
    // Odometer over axes k-1..0.
    let j = k - 1;
    for (; j >= 0; j--) {
      const next = (idx[j] ?? 0) + 1;
      if (next < (box[j] ?? 0)) { idx[j] = next; sOff += sStr[j] ?? 0; dOff += dStr[j] ?? 0; break; }
      idx[j] = 0;
      sOff -= ((box[j] ?? 1) - 1) * (sStr[j] ?? 0);
      dOff -= ((box[j] ?? 1) - 1) * (dStr[j] ?? 0);
    }
    if (j < 0) return;
  }
};

/** A fresh typed array of the same kind as `like`. */
export const allocLike = (like: Values, n: number): Values =>
  like instanceof Float32Array ? new Float32Array(n) : like instanceof Int32Array ? new Int32Array(n) : new Uint8Array(n);

/** Whether a kernel's values are a plain numeric typed array this module can copy (not strings or complex). */
export const isCopyable = (dtype: string): boolean => dtype === 'float32' || dtype === 'int32' || dtype === 'bool';
