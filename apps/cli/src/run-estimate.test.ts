import { describe, expect, it } from 'vitest';
import { estimateRunSeconds, runEstimateField } from './run-estimate';

describe('the whole-run estimate', () => {
  it('scales the elapsed time by the images still to run', () => {
    expect(estimateRunSeconds({ elapsedSeconds: 12, imagesDone: 64, imagesTotal: 64 * 10 })).toBe(120);
    expect(runEstimateField({ elapsedSeconds: 12, imagesDone: 64, imagesTotal: 64 * 10 })).toEqual({ run: '~2m00s' });
  });

  it('says nothing before the first image', () => {
    expect(estimateRunSeconds({ elapsedSeconds: 0, imagesDone: 0, imagesTotal: 100 })).toBeUndefined();
    expect(runEstimateField({ elapsedSeconds: 3, imagesDone: 0, imagesTotal: 100 })).toEqual({});
  });
});
