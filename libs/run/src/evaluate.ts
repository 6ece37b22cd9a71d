import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '@approx-darts/cifar10';
import { readScalars } from './readback';
import { correctCount, crossEntropy } from './loss';

/** Running totals of one pass over batches. */
export interface PassProgress {
  readonly images: number;
  readonly loss: number;
  readonly accuracy: number;
}

export interface Evaluation extends PassProgress {
  readonly seconds: number;
}

/**
 * Loss and accuracy of a network in inference mode over batches with int32 labels: the validation pass of a search
 * and the test pass of training and `eval`. Without `onBatch` every batch's loss and correct count stay on the
 * device until the pass is queued and come back in one read; with it, one read per batch gives the running figures.
 * Losses are summed on the host, weighted by batch size, in double precision.
 */
export const evaluate = async (logitsOf: (x: tf.Tensor4D) => tf.Tensor2D, batches: AsyncIterable<Batch>, onBatch?: (p: PassProgress, batchImages: number) => void): Promise<Evaluation> => {
  const start = performance.now();
  const pending: tf.Scalar[] = [];
  const sizes: number[] = [];
  let images = 0;
  let loss = 0;
  let correct = 0;
  const add = (values: readonly number[], from: number): void => {
    for (let i = 0; i < values.length; i += 2) {
      const n = sizes[from + i / 2] ?? 0;
      loss += (values[i] ?? Number.NaN) * n;
      correct += values[i + 1] ?? 0;
    }
  };
  const progress = (): PassProgress => ({ images, loss: images > 0 ? loss / images : NaN, accuracy: images > 0 ? correct / images : NaN });
  try {
    for await (const batch of batches) {
      const labels = batch.y as tf.Tensor1D;
      const [l, c] = tf.tidy(() => {
        const logits = logitsOf(batch.x);
        return [crossEntropy(logits, labels), correctCount(logits, labels)];
      });
      const n = batch.x.shape[0];
      tf.dispose([batch.x, batch.y]);
      images += n;
      sizes.push(n);
      if (onBatch === undefined) pending.push(l, c);
      else {
        add(await readScalars([l, c]), sizes.length - 1);
        onBatch(progress(), n);
      }
    }
  } catch (e) {
    tf.dispose(pending);
    throw e;
  }
  if (pending.length > 0) add(await readScalars(pending), 0);
  return { ...progress(), seconds: (performance.now() - start) / 1000 };
};
