import { describe, expect, it } from 'vitest';
import { estimateRunSeconds, imagesLeft, runEstimateField } from './run-estimate';

describe('the whole-run estimate', () => {
  it('scales the elapsed time by the images still to run', () => {
    expect(estimateRunSeconds({ elapsedSeconds: 12, imagesDone: 64, imagesTotal: 64 * 10 })).toBe(120);
    expect(runEstimateField({ elapsedSeconds: 12, imagesDone: 64, imagesTotal: 64 * 10 })).toEqual({ run: '~2m00s' });
  });

  it('counts the warm-up epochs at half a search epoch\'s images, from the epoch the run (or resume) starts at', () => {
    expect(imagesLeft({ epoch: 0, epochs: 2, warmupEpochs: 1, searchImages: 128 })).toBe(64 + 128);
    expect(imagesLeft({ epoch: 0, epochs: 50, warmupEpochs: 15, searchImages: 100 })).toBe(15 * 50 + 35 * 100);
    expect(imagesLeft({ epoch: 20, epochs: 50, warmupEpochs: 15, searchImages: 100 })).toBe(30 * 100);
    expect(imagesLeft({ epoch: 5, epochs: 6, warmupEpochs: 0, searchImages: 10 })).toBe(10);
  });

  it('says nothing before the first image', () => {
    expect(estimateRunSeconds({ elapsedSeconds: 0, imagesDone: 0, imagesTotal: 100 })).toBeUndefined();
    expect(runEstimateField({ elapsedSeconds: 3, imagesDone: 0, imagesTotal: 100 })).toEqual({});
  });
});
