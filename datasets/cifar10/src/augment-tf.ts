import * as tf from '@tensorflow/tfjs-core';
import type { Augmentation, AugmentationPipeline } from './augmentation';
import type { Rng } from './prng';

// Random draws come from the rng in a fixed order (step by step, image by image) and the
// tensor work is index arithmetic, so a seed fixes the result on every backend.

const gatherPixels = (x: tf.Tensor4D, index: Int32Array, outH: number, outW: number): tf.Tensor4D => {
  const [n, h, w, c] = x.shape;
  const flat = tf.reshape(x, [n * h * w, c]);
  return tf.reshape(tf.gather(flat, tf.tensor1d(index, 'int32')), [n, outH, outW, c]);
};

const randomCrop = (x: tf.Tensor4D, size: number, padding: number, rng: Rng): tf.Tensor4D => {
  const [n, h, w] = x.shape;
  const padded = tf.pad(x, [
    [0, 0],
    [padding, padding],
    [padding, padding],
    [0, 0],
  ]);
  const ph = h + 2 * padding;
  const pw = w + 2 * padding;
  const index = new Int32Array(n * size * size);
  for (let b = 0; b < n; b++) {
    const top = rng.nextInt(ph - size + 1);
    const left = rng.nextInt(pw - size + 1);
    for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) index[(b * size + i) * size + j] = (b * ph + top + i) * pw + left + j;
  }
  return gatherPixels(padded, index, size, size);
};

const horizontalFlip = (x: tf.Tensor4D, probability: number, rng: Rng): tf.Tensor4D => {
  const [n, h, w] = x.shape;
  const index = new Int32Array(n * h * w);
  for (let b = 0; b < n; b++) {
    const flip = rng.nextFloat() < probability;
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) index[(b * h + i) * w + j] = (b * h + i) * w + (flip ? w - 1 - j : j);
  }
  return gatherPixels(x, index, h, w);
};

const cutout = (x: tf.Tensor4D, size: number, rng: Rng): tf.Tensor4D => {
  const [n, h, w] = x.shape;
  const mask = new Float32Array(n * h * w).fill(1);
  const half = Math.floor(size / 2);
  for (let b = 0; b < n; b++) {
    const cy = rng.nextInt(h);
    const cx = rng.nextInt(w);
    for (let i = Math.max(0, cy - half); i < Math.min(h, cy + size - half); i++)
      for (let j = Math.max(0, cx - half); j < Math.min(w, cx + size - half); j++) mask[(b * h + i) * w + j] = 0;
  }
  return tf.mul(x, tf.tensor4d(mask, [n, h, w, 1]));
};

const normalize = (x: tf.Tensor4D, mean: readonly number[], std: readonly number[]): tf.Tensor4D =>
  tf.div(tf.sub(x, tf.tensor1d([...mean])), tf.tensor1d([...std]));

/** Applies one step (see augmentation.ts for what each means). */
export const applyAugmentation = (x: tf.Tensor4D, step: Augmentation, rng: Rng): tf.Tensor4D =>
  tf.tidy(() => {
    switch (step.kind) {
      case 'random-crop':
        return randomCrop(x, step.size, step.padding, rng);
      case 'horizontal-flip':
        return horizontalFlip(x, step.probability, rng);
      case 'cutout':
        return cutout(x, step.size, rng);
      case 'normalize':
        return normalize(x, step.mean, step.std);
    }
  });

/**
 * Runs a pipeline over a float32 NHWC batch with values in [0, 1]; returns a new tensor (the
 * input is not disposed).
 */
export const augmentBatch = (x: tf.Tensor4D, pipeline: AugmentationPipeline, rng: Rng): tf.Tensor4D =>
  tf.tidy(() => pipeline.reduce((acc, step) => applyAugmentation(acc, step, rng), tf.clone(x)));
