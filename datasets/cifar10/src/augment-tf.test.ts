import { existsSync } from 'node:fs';
import { join } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/Either';
import { beforeAll, describe, expect, it } from 'vitest';
import { augmentBatch } from './augment-tf';
import { Augmentation, AugmentationPipeline, evalAugmentation, trainAugmentation } from './augmentation';
import { toNhwc } from './batches';
import { createRng } from './prng';
import { loadCifar10 } from './reader';
import { sharedSubsetDir } from './test-support';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** n images of 32x32x3 whose channel 0 holds f(i, j), the others 0. */
const images = (n: number, f: (i: number, j: number) => number): tf.Tensor4D => {
  const data = new Float32Array(n * 32 * 32 * 3);
  for (let b = 0; b < n; b++) for (let i = 0; i < 32; i++) for (let j = 0; j < 32; j++) data[((b * 32 + i) * 32 + j) * 3] = f(i, j);
  return tf.tensor4d(data, [n, 32, 32, 3]);
};

describe('augmentation as data', () => {
  it('decodes the default pipelines and rejects malformed steps', () => {
    expect(E.isRight(AugmentationPipeline.decode(trainAugmentation({ cutout: true })))).toBe(true);
    expect(trainAugmentation({ cutout: false }).map((a) => a.kind)).toEqual(['random-crop', 'horizontal-flip', 'normalize']);
    expect(E.isLeft(Augmentation.decode({ kind: 'random-crop', size: 32.5, padding: 4 }))).toBe(true);
    expect(E.isLeft(Augmentation.decode({ kind: 'horizontal-flip', probability: 1.5 }))).toBe(true);
    expect(E.isLeft(Augmentation.decode({ kind: 'rotate', degrees: 3 }))).toBe(true);
  });
});

describe('augmentation statistics', () => {
  it('flips about half of the images, each an exact mirror', () => {
    const n = 3000;
    const x = images(n, (_i, j) => (j + 1) / 32);
    const y = augmentBatch(x, [{ kind: 'horizontal-flip', probability: 0.5 }], createRng(11));
    const out = y.dataSync();
    const at = (b: number, i: number, j: number): number => out[((b * 32 + i) * 32 + j) * 3]!;
    let flipped = 0;
    for (let b = 0; b < n; b++) {
      const isFlipped = at(b, 0, 0) === 1;
      flipped += isFlipped ? 1 : 0;
      for (let j = 0; j < 32; j++) expect(Math.abs(at(b, 5, j) - (isFlipped ? 32 - j : j + 1) / 32)).toBeLessThan(1e-6);
    }
    // Binomial(3000, 0.5): 4 standard deviations is 0.037.
    expect(Math.abs(flipped / n - 0.5)).toBeLessThan(0.037);
    tf.dispose([x, y]);
  });

  it('crops a 32x32 window of the 4-padded image: a whole-image shift by -4..4, all 81 shifts seen', () => {
    const n = 1500;
    const x = images(n, (i, j) => i * 32 + j + 1);
    const y = augmentBatch(x, [{ kind: 'random-crop', size: 32, padding: 4 }], createRng(5));
    const out = y.dataSync();
    const at = (b: number, i: number, j: number): number => out[((b * 32 + i) * 32 + j) * 3]!;
    const shifts = new Set<string>();
    for (let b = 0; b < n; b++) {
      // The window's top-left in padded coordinates is (top, left); source pixel = (i + top - 4, j + left - 4).
      const center = at(b, 16, 16);
      const si = Math.floor((center - 1) / 32) - 16;
      const sj = ((center - 1) % 32) - 16;
      expect(Math.abs(si) <= 4 && Math.abs(sj) <= 4).toBe(true);
      shifts.add(`${si},${sj}`);
      for (const [i, j] of [[0, 0], [31, 31], [0, 31], [7, 20]] as const) {
        const ii = i + si;
        const jj = j + sj;
        const inside = ii >= 0 && ii < 32 && jj >= 0 && jj < 32;
        expect(at(b, i, j)).toBe(inside ? ii * 32 + jj + 1 : 0);
      }
    }
    expect(shifts.size).toBe(81);
    tf.dispose([x, y]);
  });

  it('cutout 16 zeroes the expected fraction of pixels', () => {
    // Centre c uniform on 0..31, box [c-8, c+8) clipped to the image: its side averages
    // (8+...+15 + 16*16 + 16+...+9) / 32 = 448 / 32 = 14 per axis, independent per axis,
    // so the expected zeroed area is 14 * 14 = 196 of 1024 pixels.
    const n = 2000;
    const x = tf.ones([n, 32, 32, 3]) as tf.Tensor4D;
    const y = augmentBatch(x, [{ kind: 'cutout', size: 16 }], createRng(9));
    const zeroFraction = 1 - (tf.mean(y).arraySync() as number);
    expect(zeroFraction).toBeGreaterThan(196 / 1024 - 0.01);
    expect(zeroFraction).toBeLessThan(196 / 1024 + 0.01);
    // Every image loses at least an 8x8 corner's worth and at most 16x16.
    const perImage = tf.sum(tf.equal(y, 0), [1, 2, 3]).arraySync() as number[];
    expect(Math.min(...perImage)).toBeGreaterThanOrEqual(8 * 8 * 3);
    expect(Math.max(...perImage)).toBeLessThanOrEqual(16 * 16 * 3);
    tf.dispose([x, y]);
  });

  it('is deterministic for a seed', () => {
    const x = images(8, (i, j) => (i + j) / 64);
    const pipeline = trainAugmentation({ cutout: true });
    const a = augmentBatch(x, pipeline, createRng(3));
    const b = augmentBatch(x, pipeline, createRng(3));
    const c = augmentBatch(x, pipeline, createRng(4));
    expect(tf.max(tf.abs(tf.sub(a, b))).arraySync()).toBe(0);
    expect(tf.max(tf.abs(tf.sub(a, c))).arraySync()).toBeGreaterThan(0);
    tf.dispose([x, a, b, c]);
  });

  const shared = sharedSubsetDir();
  const haveShared = existsSync(join(shared, 'manifest.json'));
  if (!haveShared) console.warn(`skipped: shared CIFAR-10 subset not found at ${shared}`);
  it.skipIf(!haveShared)('normalization gives mean ~0 and std ~1 per channel over the shared training subset', async () => {
    const { train } = await loadCifar10(shared);
    const all = Int32Array.from({ length: train.count }, (_, i) => i);
    const x = tf.tensor4d(toNhwc(train, all), [train.count, 32, 32, 3]);
    const y = augmentBatch(x, evalAugmentation, createRng(1));
    // Moments in plain JS over the result (tf.moments on the cpu backend is slow for 15M values).
    const v = y.dataSync();
    const sum = [0, 0, 0];
    const sq = [0, 0, 0];
    for (let k = 0; k < v.length; k++) {
      sum[k % 3]! += v[k]!;
      sq[k % 3]! += v[k]! * v[k]!;
    }
    const count = v.length / 3;
    const m = sum.map((s) => s / count);
    const s = sq.map((q, c) => Math.sqrt(q / count - m[c]! ** 2));
    // The constants are the statistics of all 50000 images; 5085 of them agree to a few percent.
    for (const mc of m) expect(Math.abs(mc)).toBeLessThan(0.05);
    for (const sc of s) expect(Math.abs(sc - 1)).toBeLessThan(0.05);
    tf.dispose([x, y]);
  });
});
