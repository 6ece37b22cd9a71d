import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { epochBatches, toNhwc, type BatchOptions } from './batches';
import { createRng } from './prng';
import { syntheticRecords } from './test-support';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const records = syntheticRecords(100, 4);
const options = (over: Partial<BatchOptions> = {}): BatchOptions => ({
  records,
  batchSize: 32,
  rng: createRng(1),
  shuffle: true,
  augmentation: [],
  labels: 'int32',
  ...over,
});

describe('toNhwc', () => {
  it('interleaves the R, G, B planes and scales to [0, 1]', () => {
    const out = toNhwc(records, [3]);
    const px = records.pixels.subarray(3 * 3072);
    for (const [i, j, c] of [[0, 0, 0], [31, 31, 2], [4, 17, 1]] as const) {
      expect(out[(i * 32 + j) * 3 + c]).toBeCloseTo(px[c * 1024 + i * 32 + j]! / 255, 7);
    }
  });
});

describe('epochBatches', () => {
  it('visits every record once per epoch, in batches of the asked size, with matching images and labels', async () => {
    const seen: number[] = [];
    const sizes: number[] = [];
    const before = tf.memory().numTensors;
    for await (const { x, y, indices } of epochBatches(options())) {
      sizes.push(indices.length);
      expect(x.shape).toEqual([indices.length, 32, 32, 3]);
      expect(x.dtype).toBe('float32');
      expect(y.dtype).toBe('int32');
      expect(Array.from(y.dataSync())).toEqual(Array.from(indices, (i) => records.labels[i]));
      expect(Array.from(x.dataSync().subarray(0, 3072))).toEqual(Array.from(toNhwc(records, [indices[0]!])));
      seen.push(...indices);
      tf.dispose([x, y]);
    }
    expect(sizes).toEqual([32, 32, 32, 4]);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('drops the remainder when asked and honours a subset of indices', async () => {
    const sizes: number[] = [];
    for await (const b of epochBatches(options({ indices: Int32Array.of(5, 6, 7, 8, 9), batchSize: 2, dropRemainder: true }))) {
      sizes.push(b.indices.length);
      expect([...b.indices].every((i) => i >= 5 && i <= 9)).toBe(true);
      tf.dispose([b.x, b.y]);
    }
    expect(sizes).toEqual([2, 2]);
  });

  it('gives one-hot float labels when asked', async () => {
    for await (const { x, y, indices } of epochBatches(options({ labels: 'one-hot', batchSize: 50 }))) {
      expect(y.shape).toEqual([50, 10]);
      expect(y.dtype).toBe('float32');
      const rows = y.arraySync() as number[][];
      rows.forEach((row, k) => {
        expect(row.reduce((a, b) => a + b, 0)).toBe(1);
        expect(row.indexOf(1)).toBe(records.labels[indices[k]!]);
      });
      tf.dispose([x, y]);
    }
  });

  it('prefetches the next batch while the consumer holds the current one, and cleans it up on break', async () => {
    const before = tf.memory().numTensors;
    for await (const b of epochBatches(options())) {
      const holding = tf.memory().numTensors;
      await new Promise((resolve) => setImmediate(resolve));
      // The next batch (x and y) was built meanwhile.
      expect(tf.memory().numTensors).toBe(holding + 2);
      tf.dispose([b.x, b.y]);
      break;
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is deterministic for a seed, and reports throughput', async () => {
    const firstIndices = async (seed: number): Promise<number[]> => {
      const stream = epochBatches(options({ rng: createRng(seed), augmentation: [{ kind: 'horizontal-flip', probability: 0.5 }] }));
      const out: number[] = [];
      for await (const b of stream) {
        out.push(...b.indices, ...Array.from(b.x.dataSync().subarray(0, 6)));
        tf.dispose([b.x, b.y]);
      }
      const t = stream.throughput();
      expect(t.images).toBe(100);
      expect(t.batches).toBe(4);
      expect(t.imagesPerSecond).toBeGreaterThan(0);
      return out;
    };
    expect(await firstIndices(9)).toEqual(await firstIndices(9));
    expect(await firstIndices(9)).not.toEqual(await firstIndices(10));
  });

  it('is iterated once', () => {
    const stream = epochBatches(options());
    stream[Symbol.asyncIterator]();
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/iterated once/);
  });
});
