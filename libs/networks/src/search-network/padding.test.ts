import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { DARTS_OPERATIONS } from '@approx-darts/search-space';
import type { Padding } from '@approx-darts/network-plan';
import { beforeAll, describe, expect, it } from 'vitest';
import '@approx-darts/kernels';
import type { BuildContext } from './block';
import { buildOperation } from './operations';
import { createParamStore, disposeParams } from './params';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ctx = (padding: Padding): BuildContext => ({ store: createParamStore(3), affine: true, poolBn: false, bindingOf: () => null, padding });
const maxAbs = (a: tf.Tensor, b: tf.Tensor): number => Math.max(...Array.from(tf.abs(tf.sub(a, b)).dataSync()));
const SYMMETRIC_1: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [1, 1], [1, 1], [0, 0]];
const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 7) as tf.Tensor4D;

describe('--padding symmetric on the stride-2 ops (operations.ts)', () => {
  it('pads a 3x3 max pool 1/1 (PyTorch MaxPool2d(3, 2, padding=1)), where same pads 0/1', () => {
    const sym = buildOperation(ctx('symmetric'), 'p', DARTS_OPERATIONS.max_pool_3x3, 3, 2)(x, 'eval');
    // -inf padding is what a max ignores; the explicit padding of tf.pad stands in for it here.
    const want = tf.maxPool(tf.pad(x, SYMMETRIC_1, -1e9) as tf.Tensor4D, 3, 2, 'valid');
    expect(sym.shape).toEqual([2, 4, 4, 3]);
    expect(maxAbs(sym, want)).toBe(0);
    const same = buildOperation(ctx('same'), 'p', DARTS_OPERATIONS.max_pool_3x3, 3, 2)(x, 'eval');
    expect(maxAbs(same, want)).toBeGreaterThan(0);
  });

  it('averages a 3x3 window over the pixels it covers, padding excluded (count_include_pad=False)', () => {
    const sym = buildOperation(ctx('symmetric'), 'p', DARTS_OPERATIONS.avg_pool_3x3, 3, 2)(x, 'eval');
    const window = tf.ones([3, 3, 3, 1]) as tf.Tensor4D;
    const sums = tf.depthwiseConv2d(tf.pad(x, SYMMETRIC_1), window, 2, 'valid');
    const counts = tf.depthwiseConv2d(tf.pad(tf.onesLike(x), SYMMETRIC_1), window, 2, 'valid');
    expect(maxAbs(sym, tf.div(sums, counts))).toBeLessThan(1e-6);
  });

  it('pads a stride-2 dilated 3x3 conv 2/2 and a 5x5 dilated one 4/4, with the same weights as same-padded ones', () => {
    for (const [op, pad] of [
      [DARTS_OPERATIONS.dil_conv_3x3, 2],
      [DARTS_OPERATIONS.dil_conv_5x5, 4],
    ] as const) {
      const c = ctx('symmetric');
      const y = buildOperation(c, 'e', op, 3, 2)(x, 'eval');
      const w = (name: string): tf.Tensor4D => c.store.entries.get(`e.${name}`)!.variable as tf.Tensor4D;
      // tfjs has no strided dilated depthwise conv: the stride-1 one, every other row and column.
      const full = tf.depthwiseConv2d(tf.pad(tf.relu(x), [[0, 0], [pad, pad], [pad, pad], [0, 0]]), w('depthwise'), 1, 'valid', 'NHWC', 2);
      const d = tf.stridedSlice(full, [0, 0, 0, 0], full.shape, [1, 2, 2, 1]) as tf.Tensor4D;
      const want = tf.div(tf.conv2d(d, w('pointwise'), 1, 'valid'), Math.sqrt(1 + 1e-5));
      expect(y.shape).toEqual([2, 4, 4, 3]);
      expect(maxAbs(y, want)).toBeLessThan(1e-5);
      const same = buildOperation({ ...c, store: createParamStore(3), padding: 'same' }, 'e', op, 3, 2)(x, 'eval');
      expect(maxAbs(same, want)).toBeGreaterThan(1e-3);
      disposeParams(c.store);
    }
  });

  it('changes nothing at stride 1', () => {
    const a = buildOperation(ctx('symmetric'), 'e', DARTS_OPERATIONS.sep_conv_5x5, 3, 1)(x, 'eval');
    const b = buildOperation(ctx('same'), 'e', DARTS_OPERATIONS.sep_conv_5x5, 3, 1)(x, 'eval');
    expect(maxAbs(a, b)).toBe(0);
  });
});
