import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { accumulateOnCuda, cudaApproxConv, CudaLutShapeError, tensorSizes } from './index';
import { smallGeometry } from './test-reference';

// Every check runs before the addon is touched, so these hold with or without a GPU.
const g = smallGeometry({ kind: 'conv2d', batch: 2, size: 5, inC: 3, outC: 4, k: 3, stride: 2, dilation: 1, pad: 1 });
const dw = smallGeometry({ kind: 'depthwise', batch: 1, size: 6, inC: 4, outC: 8, k: 3, stride: 1, dilation: 2, pad: 2 });
const table = new Uint16Array(65536);
const codes = (n: number): Uint8Array => new Uint8Array(n);

describe('shape validation', () => {
  it('rejects operands whose length does not match the geometry, naming them', () => {
    const s = tensorSizes(g);
    expect(() => accumulateOnCuda(g, codes(s.x - 1), codes(s.w), 0, table)).toThrow(new CudaLutShapeError(`x has ${s.x - 1} elements, the geometry needs ${s.x}`));
    expect(() => accumulateOnCuda(g, codes(s.x), codes(s.w + 1), 0, table)).toThrow(/^w has/);
    expect(() => cudaApproxConv(g, new Float32Array(s.x), new Float32Array(3), { table })).toThrow(/^filter has 3 elements/);
  });

  it('rejects a table that is not 256x256 and a pad code outside uint8', () => {
    const s = tensorSizes(g);
    expect(() => accumulateOnCuda(g, codes(s.x), codes(s.w), 0, new Uint16Array(100))).toThrow(/^table has 100 elements/);
    expect(() => accumulateOnCuda(g, codes(s.x), codes(s.w), 256, table)).toThrow(CudaLutShapeError);
    expect(() => accumulateOnCuda(g, codes(s.x), codes(s.w), 1.5, table)).toThrow(/padCode/);
  });

  it('rejects depthwise geometries whose output channels are not a multiple of the input channels', () => {
    const bad = { ...dw, outChannels: 6 };
    expect(() => accumulateOnCuda(bad, codes(tensorSizes(bad).x), codes(tensorSizes(bad).w), 0, table)).toThrow(/not a multiple of inChannels 4/);
  });

  it('rejects windows whose int32 sums could overflow', () => {
    const big = { ...g, inChannels: 4096, filterHeight: 3, filterWidth: 3 };
    expect(() => accumulateOnCuda(big, codes(1), codes(1), 0, table)).toThrow(/window of 36864 terms/);
  });

  it('rejects per-channel weight ranges of the wrong length', () => {
    const s = tensorSizes(g);
    expect(() => cudaApproxConv(g, new Float32Array(s.x), new Float32Array(s.w), { table, perChannelWeights: true, weightRange: [0, 1] })).toThrow(/weightRange has 2 numbers, expected 8/);
  });

  test.prop([fc.constantFrom<'batch' | 'inHeight' | 'filterWidth' | 'strideHeight' | 'dilationWidth' | 'outWidth'>('batch', 'inHeight', 'filterWidth', 'strideHeight', 'dilationWidth', 'outWidth'), fc.oneof(fc.integer({ max: 0 }), fc.double({ min: 0.1, max: 9.9, noInteger: true }))])(
    'names the field of any non-positive or fractional dimension',
    (field, value) => {
      const bad = { ...g, [field]: value };
      expect(() => accumulateOnCuda(bad, codes(1), codes(1), 0, table)).toThrow(new RegExp(`^geometry\\.${field} must be a positive integer`));
    },
  );
});
