import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { dequantizeSum, dequantizeValue, type AffineParams } from '@approx-darts/quantization';
import { approxConvolve } from './approx-convolution';
import { referenceAccumulate } from './accumulate';
import { filterCodeSums, referenceWindowSums } from './dequantize';
import { channelMultiplier, ConvShapeError, geometryFor, outputSize, windowSize, type ConvGeometry } from './geometry';

// Built here on purpose: pure libs do not depend on each other's tables (the multipliers lib owns the real one).
const exactProducts = Uint16Array.from({ length: 65536 }, (_, i) => (i >> 8) * (i & 255));

/** Naive float convolution in float64 where out-of-image positions read `padValue`. */
const floatConv = (g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, padValue: number): Float64Array => {
  const out = new Float64Array(outputSize(g));
  const mult = channelMultiplier(g);
  for (let n = 0; n < g.batch; n++)
    for (let oh = 0; oh < g.outHeight; oh++)
      for (let ow = 0; ow < g.outWidth; ow++)
        for (let co = 0; co < g.outChannels; co++) {
          let s = 0;
          for (let kh = 0; kh < g.filterHeight; kh++)
            for (let kw = 0; kw < g.filterWidth; kw++) {
              const ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight;
              const iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth;
              const inside = ih >= 0 && ih < g.inHeight && iw >= 0 && iw < g.inWidth;
              const channels = g.kind === 'conv2d' ? [...Array(g.inChannels).keys()] : [Math.floor(co / mult)];
              for (const ci of channels) {
                const xv = inside ? (x[((n * g.inHeight + ih) * g.inWidth + iw) * g.inChannels + ci] as number) : padValue;
                const wi = g.kind === 'conv2d' ? ((kh * g.filterWidth + kw) * g.inChannels + ci) * g.outChannels + co : (kh * g.filterWidth + kw) * g.outChannels + co;
                s += xv * (w[wi] as number);
              }
            }
          out[((n * g.outHeight + oh) * g.outWidth + ow) * g.outChannels + co] = s;
        }
  return out;
};

const caseArb = fc.record({
  kind: fc.constantFrom('conv2d' as const, 'depthwise' as const),
  batch: fc.integer({ min: 1, max: 2 }),
  h: fc.integer({ min: 3, max: 7 }),
  w: fc.integer({ min: 3, max: 7 }),
  c: fc.integer({ min: 1, max: 3 }),
  out: fc.integer({ min: 1, max: 3 }),
  k: fc.constantFrom(1, 3),
  stride: fc.constantFrom(1, 2),
  dilation: fc.constantFrom(1, 2),
  pad: fc.constantFrom('same' as const, 'valid' as const, 1),
  mode: fc.constantFrom('asymmetric' as const, 'symmetric' as const),
  perChannel: fc.boolean(),
  offset: fc.double({ min: -2, max: 2, noNaN: true }),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
}).filter((c) => c.pad !== 'valid' || (c.k - 1) * c.dilation < Math.min(c.h, c.w));

const random = (seed: number) => {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
};

describe('approximate convolution (reference)', () => {
  test.prop([caseArb], { numRuns: 60, seed: 1313 })('with the exact table it is the float convolution of the fake-quantized operands, to binary32 rounding', (cs) => {
    const filterShape = [cs.k, cs.k, cs.c, cs.out];
    const xShape = [cs.batch, cs.h, cs.w, cs.c];
    const g = geometryFor(cs.kind, xShape, filterShape, { strides: cs.stride, dilations: cs.dilation, pad: cs.pad });
    const rnd = random(cs.seed);
    const x = Float32Array.from({ length: xShape.reduce((a, b) => a * b) }, () => rnd() + cs.offset);
    const w = Float32Array.from({ length: filterShape.reduce((a, b) => a * b) }, () => rnd() * 0.5);
    const r = approxConvolve(g, x, w, exactProducts, { mode: cs.mode, perChannelWeights: cs.perChannel });
    const xq = Array.from(r.xCodes, (q) => dequantizeValue(r.xParams, q));
    const wq = Array.from(r.wCodes, (q, i) => dequantizeValue(r.wParams[i % g.outChannels] as AffineParams, q));
    const expected = floatConv(g, xq, wq, dequantizeValue(r.xParams, r.padCode));
    // SPEC.md step 7 rounds each of its operations to binary32: the error is a few ULPs of its four terms.
    const k = windowSize(g);
    const xSums = referenceWindowSums(g, r.xCodes, r.padCode);
    const wSums = filterCodeSums(g, r.wCodes);
    const mult = channelMultiplier(g);
    for (let i = 0; i < expected.length; i++) {
      const co = i % g.outChannels;
      const pos = (i - co) / g.outChannels;
      const sumX = (g.kind === 'conv2d' ? xSums[pos] : xSums[pos * g.inChannels + Math.floor(co / mult)]) as number;
      const { scale: sx, min: mx } = r.xParams;
      const { scale: sw, min: mw } = r.wParams[co] as AffineParams;
      const terms = Math.abs(sx * sw * (r.accumulations[i] as number)) + Math.abs(sx * mw * sumX) + Math.abs(sw * mx * (wSums[co] as number)) + Math.abs(k * mx * mw);
      expect(Math.abs((r.output[i] as number) - (expected[i] as number))).toBeLessThanOrEqual(2 ** -20 * terms);
    }
  });

  test.prop([caseArb], { numRuns: 30, seed: 2718 })('the output is dequantizeSum of each output\'s integer sums, bit for bit', (cs) => {
    const g = geometryFor(cs.kind, [cs.batch, cs.h, cs.w, cs.c], [cs.k, cs.k, cs.c, cs.out], { strides: cs.stride, dilations: cs.dilation, pad: cs.pad });
    const rnd = random(cs.seed);
    const x = Float32Array.from({ length: cs.batch * cs.h * cs.w * cs.c }, () => rnd() + cs.offset);
    const w = Float32Array.from({ length: cs.k * cs.k * cs.c * cs.out }, () => rnd() * 0.5);
    const r = approxConvolve(g, x, w, exactProducts, { mode: cs.mode, perChannelWeights: cs.perChannel });
    const mult = channelMultiplier(g);
    // Per output, the window's sums straight from the codes (one output at a time, no shared loops with the engine).
    for (let i = 0; i < r.output.length; i++) {
      const co = i % g.outChannels;
      const pos = (i - co) / g.outChannels;
      const ow = pos % g.outWidth;
      const oh = ((pos - ow) / g.outWidth) % g.outHeight;
      const n = Math.floor(pos / (g.outWidth * g.outHeight));
      let sumX = 0;
      let sumW = 0;
      for (let kh = 0; kh < g.filterHeight; kh++)
        for (let kw = 0; kw < g.filterWidth; kw++)
          for (const ci of g.kind === 'conv2d' ? [...Array(g.inChannels).keys()] : [Math.floor(co / mult)]) {
            const ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight;
            const iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth;
            const inside = ih >= 0 && ih < g.inHeight && iw >= 0 && iw < g.inWidth;
            sumX += inside ? (r.xCodes[((n * g.inHeight + ih) * g.inWidth + iw) * g.inChannels + ci] as number) : r.padCode;
            sumW += r.wCodes[g.kind === 'conv2d' ? ((kh * g.filterWidth + kw) * g.inChannels + ci) * g.outChannels + co : (kh * g.filterWidth + kw) * g.outChannels + co] as number;
          }
      expect(r.output[i]).toBe(dequantizeSum(r.xParams, r.wParams[co] as AffineParams, r.accumulations[i] as number, sumX, sumW, windowSize(g)));
    }
  });

  it('symmetric padding reads code 128, which stands for exactly 0.0', () => {
    const g = geometryFor('depthwise', [1, 3, 3, 1], [3, 3, 1, 1], { strides: 1, dilations: 1, pad: 'same' });
    const r = approxConvolve(g, Float32Array.from([-2, 1, 0.5, 3, -1, 2, 0.25, 1.5, -0.5]), new Float32Array(9).fill(0.5), exactProducts, { mode: 'symmetric', perChannelWeights: false });
    expect(r.padCode).toBe(128);
    expect(dequantizeValue(r.xParams, r.padCode)).toBe(0);
  });

  it('accumulates table products by hand-checked example (padding reads padCode)', () => {
    const g = geometryFor('conv2d', [1, 1, 2, 1], [1, 2, 1, 1], { strides: 1, dilations: 1, pad: 'same' });
    // x = [1, 2], w = [3, 5], SAME pads one position on the right with padCode 7: [1*3 + 2*5, 2*3 + 7*5]
    expect(Array.from(referenceAccumulate(g, new Uint8Array([1, 2]), new Uint8Array([3, 5]), 7, exactProducts))).toEqual([13, 41]);
    // A table is looked up activation first: a table that returns the activation code gives sums of codes.
    const activationOnly = Uint16Array.from({ length: 65536 }, (_, i) => i >> 8);
    expect(Array.from(referenceAccumulate(g, new Uint8Array([1, 2]), new Uint8Array([3, 5]), 7, activationOnly))).toEqual([3, 9]);
  });

  it('constant input (degenerate range) gives finite outputs equal to the float result', () => {
    const g = geometryFor('depthwise', [1, 4, 4, 2], [3, 3, 2, 1], { strides: 1, dilations: 1, pad: 'same' });
    const r = approxConvolve(g, new Float32Array(32).fill(0.75), new Float32Array(18).fill(0.5), exactProducts, { mode: 'asymmetric', perChannelWeights: false });
    expect(r.output.every(Number.isFinite)).toBe(true);
    // Centre outputs see nine 0.75 * 0.5; padded positions read fq(0.0), here clamped to the constant's own code.
    expect(r.output[(1 * 4 + 1) * 2]).toBeCloseTo(9 * 0.375, 5);
  });
});

describe('geometryFor (TF conventions)', () => {
  it('SAME: out = ceil(in / stride), odd padding after', () => {
    const g = geometryFor('conv2d', [1, 5, 6, 1], [3, 3, 1, 1], { strides: 2, dilations: 1, pad: 'same' });
    expect([g.outHeight, g.outWidth, g.padTop, g.padLeft]).toEqual([3, 3, 1, 0]);
  });
  it('VALID with dilation: effective span (k - 1) d + 1', () => {
    const g = geometryFor('depthwise', [1, 9, 9, 2], [3, 3, 2, 2], { strides: 1, dilations: 2, pad: 'valid' });
    expect([g.outHeight, g.outWidth, g.outChannels]).toEqual([5, 5, 4]);
  });
  it('rejects mismatched channels with a message naming them', () => {
    expect(() => geometryFor('conv2d', [1, 4, 4, 3], [3, 3, 2, 8], { strides: 1, dilations: 1, pad: 'same' })).toThrow(ConvShapeError);
    expect(() => geometryFor('conv2d', [1, 4, 4, 3], [3, 3, 2, 8], { strides: 1, dilations: 1, pad: 'same' })).toThrow(/input channels \(2/);
  });
});
