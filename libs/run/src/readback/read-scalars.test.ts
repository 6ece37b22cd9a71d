import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { readScalars } from './read-scalars';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('readScalars', () => {
  it('returns scalars and vectors of any dtype flattened in order, in one read', async () => {
    const before = tf.memory().numTensors;
    const loss = tf.scalar(0.125);
    const correct = tf.scalar(7, 'int32');
    const pair = tf.tensor1d([1.5, -2]);
    const reads: number[] = [];
    const read = tf.Tensor.prototype.data;
    tf.Tensor.prototype.data = function (this: tf.Tensor) {
      reads.push(this.size);
      return read.call(this);
    } as typeof read;
    try {
      expect(await readScalars([loss, correct, pair])).toEqual([0.125, 7, 1.5, -2]);
    } finally {
      tf.Tensor.prototype.data = read;
    }
    expect(reads).toEqual([4]);
    // The inputs and the stacked copy are gone.
    expect(tf.memory().numTensors).toBe(before);
    expect(loss.isDisposed && correct.isDisposed && pair.isDisposed).toBe(true);
  });

  it('keeps non-finite values and reads nothing for no tensors', async () => {
    expect(await readScalars([tf.scalar(Number.NaN), tf.scalar(Number.POSITIVE_INFINITY)])).toEqual([Number.NaN, Number.POSITIVE_INFINITY]);
    expect(await readScalars([])).toEqual([]);
  });
});
