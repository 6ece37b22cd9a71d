import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { withoutSyncReads } from '@approx-darts/kernels/testing';
import { inputRange } from './input-range';
import { createParamStore, disposeParams, restoreParams } from './params';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const x = (): tf.Tensor4D => tf.tensor4d([-1, 0.5, 2, 3], [1, 2, 2, 1]);

describe('recorded input range at inference', () => {
  it('is absent until training records one, then it is the record, with no device read', async () => {
    const store = createParamStore(0);
    const range = inputRange(store, 'conv');
    const [before, after] = await withoutSyncReads(async () => {
      const fresh = range.observe(x(), 'eval');
      expect(range.observe(x(), 'train')).toBeUndefined();
      return [fresh, range.observe(x(), 'eval')];
    });
    expect(before).toBeUndefined();
    expect(Array.from(after!.dataSync())).toEqual([-1, 3]);
    disposeParams(store);
  });

  it('follows a restored checkpoint: used when it holds batches, absent when it holds none', async () => {
    for (const [seen, expected] of [
      [4, [-2, 5]],
      [0, undefined],
    ] as const) {
      const store = createParamStore(1);
      const range = inputRange(store, 'conv');
      restoreParams(store, { 'conv.input_range': { shape: [3], data: Float32Array.from([-2, 5, seen]) } });
      const observed = await withoutSyncReads(async () => range.observe(x(), 'eval'));
      expect(observed === undefined ? undefined : Array.from(observed.dataSync())).toEqual(expected);
      disposeParams(store);
    }
  });
});
