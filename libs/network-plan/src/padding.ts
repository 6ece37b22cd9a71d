import * as t from 'io-ts';

/**
 * Where a padded window's zeros go (docs/DARTS.md, "Padding"). `same` is TF's SAME, what the paper's TensorFlow code
 * does: on an even input a stride-2 window pads one element less before than after (0/1 for a 3x3). `symmetric` is
 * PyTorch DARTS's `padding = (k - 1) * d / 2` on both sides. At stride 1 (odd windows) the two are the same.
 */
export const Padding = t.keyof({ same: null, symmetric: null }, 'Padding');
export type Padding = t.TypeOf<typeof Padding>;

/** The paper's choice, and the choice of every run recorded before padding was configurable. */
export const DEFAULT_PADDING: Padding = 'same';

/** Padding of one axis: elements before the first and after the last. */
export interface AxisPadding {
  readonly before: number;
  readonly after: number;
}

/**
 * The padding of one axis of a window of `kernel` taps at `dilation` and `stride` over `size` elements.
 * @example axisPadding('same', 32, 3, 2, 1) // { before: 0, after: 1 }
 * @example axisPadding('symmetric', 32, 3, 2, 1) // { before: 1, after: 1 }
 */
export const axisPadding = (padding: Padding, size: number, kernel: number, stride: number, dilation: number): AxisPadding => {
  const span = (kernel - 1) * dilation + 1;
  if (padding === 'symmetric') {
    const side = Math.floor((span - 1) / 2);
    return { before: side, after: side };
  }
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + span - size, 0);
  const before = Math.floor(total / 2);
  return { before, after: total - before };
};

/**
 * Padding of a square window on a `[height, width]` map in ONNX's order: `[top, left, bottom, right]`.
 * @example windowPads('same', [16, 16], 5, 2, 1) // [1, 1, 2, 2]
 */
export const windowPads = (padding: Padding, size: readonly [number, number], kernel: number, stride: number, dilation: number): readonly [number, number, number, number] => {
  const h = axisPadding(padding, size[0], kernel, stride, dilation);
  const w = axisPadding(padding, size[1], kernel, stride, dilation);
  return [h.before, w.before, h.after, w.after];
};

/** Whether `padding` differs from TF's SAME for this window (only then do the networks pad explicitly). */
export const differsFromSame = (padding: Padding, size: readonly [number, number], kernel: number, stride: number, dilation: number): boolean =>
  windowPads(padding, size, kernel, stride, dilation).some((p, i) => p !== windowPads('same', size, kernel, stride, dilation)[i]);
