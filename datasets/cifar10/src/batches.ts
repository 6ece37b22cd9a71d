import * as tf from '@tensorflow/tfjs-core';
import { augmentBatch } from './augment-tf';
import type { AugmentationPipeline } from './augmentation';
import { shuffled, type Rng } from './prng';
import { CHANNELS, IMAGE_BYTES, IMAGE_SIDE, NUM_CLASSES, type Records } from './record-format';

/**
 * One batch. `x`: float32 NHWC [n, 32, 32, 3] after augmentation. `y`: int32 labels [n]
 * (`labels: 'int32'`) or float32 one-hot [n, 10] (`labels: 'one-hot'`). The consumer owns both
 * tensors and disposes them.
 */
export interface Batch {
  readonly x: tf.Tensor4D;
  readonly y: tf.Tensor1D | tf.Tensor2D;
  /** Record indices in the batch, in order. */
  readonly indices: Int32Array;
}

/** Images produced so far and how fast: `imagesPerSecond` over wall time since the first batch was asked for. */
export interface Throughput {
  readonly images: number;
  readonly batches: number;
  readonly seconds: number;
  readonly imagesPerSecond: number;
  /** Time spent preparing batches (decode, upload, augmentation); what prefetching hides. */
  readonly prepareSeconds: number;
}

export interface BatchOptions {
  readonly records: Records;
  /** Which records (default all), e.g. one half of searchSplit. */
  readonly indices?: Int32Array;
  readonly batchSize: number;
  /** Shuffles the order and draws augmentation randomness; give the iterator its own rng. */
  readonly rng: Rng;
  readonly shuffle: boolean;
  readonly augmentation: AugmentationPipeline;
  readonly labels: 'int32' | 'one-hot';
  /** Drop a last, smaller batch (default false). */
  readonly dropRemainder?: boolean;
}

/** An epoch of batches: async iterable (once), with throughput so far. */
export interface BatchStream extends AsyncIterable<Batch> {
  readonly throughput: () => Throughput;
}

/**
 * Converts records (planar R, G, B bytes) to interleaved NHWC float32 in [0, 1].
 * @example toNhwc(records, Int32Array.of(0)).length // 3072
 */
export const toNhwc = (records: Records, indices: ArrayLike<number>): Float32Array => {
  const plane = IMAGE_SIDE * IMAGE_SIDE;
  const out = new Float32Array(indices.length * IMAGE_BYTES);
  for (let k = 0; k < indices.length; k++) {
    const src = (indices[k] ?? 0) * IMAGE_BYTES;
    const dst = k * IMAGE_BYTES;
    for (let p = 0; p < plane; p++)
      for (let c = 0; c < CHANNELS; c++) out[dst + p * CHANNELS + c] = (records.pixels[src + c * plane + p] ?? 0) / 255;
  }
  return out;
};

const buildBatch = (opts: BatchOptions, indices: Int32Array): Batch => {
  const n = indices.length;
  const raw = tf.tensor4d(toNhwc(opts.records, indices), [n, IMAGE_SIDE, IMAGE_SIDE, CHANNELS]);
  const x = augmentBatch(raw, opts.augmentation, opts.rng);
  raw.dispose();
  const labels = Int32Array.from(indices, (i) => opts.records.labels[i] ?? 0);
  const y =
    opts.labels === 'int32'
      ? tf.tensor1d(labels, 'int32')
      : tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), NUM_CLASSES), 'float32') as tf.Tensor2D);
  return { x, y, indices };
};

const disposeBatch = (b: Batch): void => {
  b.x.dispose();
  b.y.dispose();
};

/**
 * One epoch over `records` in batches, prefetching: batch k+1 is prepared (on a macrotask)
 * while the consumer works on batch k, so an async backend (webgpu) overlaps upload and
 * augmentation with training. Randomness is drawn in batch order, so a seed fixes the epoch;
 * the rng state after the epoch is complete is the one to checkpoint. Breaking out early
 * disposes the prefetched batch.
 */
export const epochBatches = (opts: BatchOptions): BatchStream => {
  if (!Number.isInteger(opts.batchSize) || opts.batchSize <= 0) throw new RangeError(`batchSize must be a positive integer, got ${opts.batchSize}`);
  let images = 0;
  let batches = 0;
  let prepareSeconds = 0;
  let startedAt: number | undefined;
  const throughput = (): Throughput => {
    const seconds = startedAt === undefined ? 0 : (performance.now() - startedAt) / 1000;
    return { images, batches, seconds, imagesPerSecond: seconds > 0 ? images / seconds : 0, prepareSeconds };
  };
  const iterate = async function* (): AsyncGenerator<Batch> {
    startedAt = performance.now();
    const all = opts.indices ?? Int32Array.from({ length: opts.records.count }, (_, i) => i);
    const order = opts.shuffle ? shuffled(all, opts.rng) : all;
    const full = Math.floor(order.length / opts.batchSize);
    const count = opts.dropRemainder === true || order.length % opts.batchSize === 0 ? full : full + 1;
    const prepare = (k: number): Promise<Batch> =>
      new Promise((resolve, reject) =>
        setImmediate(() => {
          try {
            const t0 = performance.now();
            const batch = buildBatch(opts, order.slice(k * opts.batchSize, (k + 1) * opts.batchSize));
            prepareSeconds += (performance.now() - t0) / 1000;
            resolve(batch);
          } catch (e) {
            reject(e);
          }
        }),
      );
    let pending: Promise<Batch> | undefined = count > 0 ? prepare(0) : undefined;
    try {
      for (let k = 0; k < count && pending !== undefined; k++) {
        const current: Batch = await pending;
        pending = k + 1 < count ? prepare(k + 1) : undefined;
        // Marked handled here; its error (if any) surfaces when it is awaited next turn.
        pending?.catch(() => undefined);
        images += current.indices.length;
        batches += 1;
        yield current;
      }
    } finally {
      if (pending !== undefined) await pending.then(disposeBatch, () => undefined);
    }
  };
  let used = false;
  return {
    throughput,
    [Symbol.asyncIterator]: () => {
      if (used) throw new Error('epochBatches: a stream is iterated once; make one per epoch');
      used = true;
      return iterate();
    },
  };
};
