import { describe, expect, it } from 'vitest';
import { IMAGE_BYTES } from './record-format';
import { syntheticCifar10 } from './synthetic';

const meanImage = (pixels: Uint8Array, indices: readonly number[]): Float64Array => {
  const m = new Float64Array(IMAGE_BYTES);
  for (const i of indices) for (let p = 0; p < IMAGE_BYTES; p++) m[p] = (m[p] ?? 0) + (pixels[i * IMAGE_BYTES + p] ?? 0) / indices.length;
  return m;
};

describe('syntheticCifar10', () => {
  const data = syntheticCifar10({ train: 300, test: 100, seed: 3 });

  it('is balanced, sized as asked, and deterministic in its seed', () => {
    expect(data.train.count).toBe(300);
    expect(data.test.pixels.length).toBe(100 * IMAGE_BYTES);
    for (let c = 0; c < 10; c++) expect(data.train.labels.filter((l) => l === c).length).toBe(30);
    expect(syntheticCifar10({ train: 300, test: 100, seed: 3 }).train.pixels).toEqual(data.train.pixels);
    expect(syntheticCifar10({ train: 300, test: 100, seed: 4 }).train.pixels).not.toEqual(data.train.pixels);
  });

  it('is learnable: a nearest-class-mean classifier fit on train is accurate on test', () => {
    const means = Array.from({ length: 10 }, (_, c) =>
      meanImage(data.train.pixels, [...data.train.labels.keys()].filter((i) => data.train.labels[i] === c)),
    );
    let correct = 0;
    for (let i = 0; i < data.test.count; i++) {
      const dist = means.map((m) => {
        let d = 0;
        for (let p = 0; p < IMAGE_BYTES; p++) d += ((data.test.pixels[i * IMAGE_BYTES + p] ?? 0) - (m[p] ?? 0)) ** 2;
        return d;
      });
      if (dist.indexOf(Math.min(...dist)) === data.test.labels[i]) correct += 1;
    }
    expect(correct / data.test.count).toBeGreaterThan(0.9);
  });
});
