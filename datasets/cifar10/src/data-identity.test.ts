import { describe, expect, it } from 'vitest';
import { dataDifferences, dataIdentity } from './data-identity';
import { syntheticCifar10 } from './synthetic';

describe('dataIdentity', () => {
  it('is the same for the same images and differs, naming the split, for other images', () => {
    const a = syntheticCifar10({ train: 40, test: 10, seed: 0 });
    const same = dataIdentity(syntheticCifar10({ train: 40, test: 10, seed: 0 }));
    expect(dataDifferences(dataIdentity(a), same)).toEqual([]);
    const otherPixels = { ...a, train: { ...a.train, pixels: a.train.pixels.map((p, i) => (i === 5 ? p ^ 1 : p)) } };
    expect(dataDifferences(dataIdentity(a), dataIdentity(otherPixels))).toEqual([expect.stringMatching(/^the training images differ \(the run used 40 images/)]);
    expect(dataDifferences(dataIdentity(a), dataIdentity(syntheticCifar10({ train: 40, test: 12, seed: 0 })))).toEqual([
      expect.stringMatching(/^the test images differ \(the run used 10 images, sha256 \w{12}; --data has 12/),
    ]);
  });
});
