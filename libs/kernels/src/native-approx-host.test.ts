import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { dequantizeAccumulations, filterCodeSums, geometryFor, paddingAfter } from '@approx-darts/approx-conv';
import { affineFor, codeOf, dequantizeValue, quantizeInto, rangeOf, type QuantMode } from '@approx-darts/quantization';
import { cpuNativeStatus, loadCpuNative, nativeLutPath } from '@approx-darts/cpu-native';
import { fastAccumulateWithSums } from './fast-accumulate';
import { nativeApproxConvolve, nativePaddedFakeQuantized, nativeQuantizeInto, nativeRangeOf } from './native-approx-host';

// The native host loops of the approximate convolution against libs/approx-conv's and libs/quantization's
// TypeScript, bit for bit (integer sums, binary32 steps, subnormals flushed), on random geometries, ranges, codes and
// tables: the fused accumulation and dequantization, the padded decode, the quantization. The accumulations alone
// are compared across every implementation in test/conformance.

const reason = loadCpuNative().ok ? undefined : cpuNativeStatus().detail;
if (reason !== undefined) console.warn(`skipped: native approximate-convolution host loops: ${reason}`);

const bits = (v: Float32Array): number[] => Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length));

const caseArb = fc.record({
  kind: fc.constantFrom('conv2d' as const, 'depthwise' as const),
  batch: fc.integer({ min: 1, max: 2 }),
  h: fc.integer({ min: 3, max: 8 }),
  c: fc.integer({ min: 1, max: 6 }),
  last: fc.integer({ min: 1, max: 4 }),
  k: fc.constantFrom(1, 3, 5),
  stride: fc.constantFrom(1, 2),
  pad: fc.constantFrom('same' as const, 'valid' as const),
  mode: fc.constantFrom<QuantMode>('asymmetric', 'symmetric'),
  // ranges down to the subnormal scales whose products the specification flushes to 0
  lo: fc.double({ min: -4, max: 0, noNaN: true }),
  hi: fc.double({ min: 1e-38, max: 4, noNaN: true }),
  perChannel: fc.boolean(),
  seed: fc.nat(),
});

// The fused pass runs on the addon's LUT path: both are tested (byte shuffles only where the CPU has AVX-512 VBMI).
const lutPaths = ((): readonly ('gather' | 'shuffle')[] => {
  const loaded = loadCpuNative();
  if (!loaded.ok) return [];
  const shuffle = nativeLutPath(loaded.addon, 'shuffle');
  nativeLutPath(loaded.addon, 'auto');
  if (shuffle.path !== 'shuffle') console.warn(`skipped: the fused pass by byte shuffles: ${shuffle.reason}`);
  return shuffle.path === 'shuffle' ? ['gather', 'shuffle'] : ['gather'];
})();

const onPath = <T>(path: 'gather' | 'shuffle', f: () => T): T => {
  const loaded = loadCpuNative();
  if (!loaded.ok) throw new Error('unreachable: the suite is skipped without the addon');
  expect(nativeLutPath(loaded.addon, path).path).toBe(path);
  try {
    return f();
  } finally {
    nativeLutPath(loaded.addon, 'auto');
  }
};

describe.skipIf(reason !== undefined)('native host loops of the approximate convolution', () => {
  test.prop([caseArb, fc.constantFrom(...lutPaths)], { numRuns: 60 })('the fused accumulation and dequantization, and the padded decode, equal the TypeScript, bit for bit', (p, path) => {
    const dilation = 1 + (p.seed % 2);
    if (p.pad === 'valid' && (p.k - 1) * dilation + 1 > p.h) return;
    const last = p.kind === 'depthwise' ? 1 + (p.last % 2) : p.last;
    const g = geometryFor(p.kind, [p.batch, p.h, p.h, p.c], [p.k, p.k, p.c, last], { strides: p.stride, dilations: dilation, pad: p.pad });
    let s = p.seed >>> 0;
    const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
    const codes = Uint8Array.from({ length: g.batch * g.inHeight * g.inWidth * g.inChannels }, () => next() % 256);
    const wCodes = Uint8Array.from({ length: p.k * p.k * (p.kind === 'depthwise' ? 1 : g.inChannels) * g.outChannels }, () => next() % 256);
    const table = Uint16Array.from({ length: 65536 }, () => next() % 65536);
    const padCode = next() % 256;
    const wSums = filterCodeSums(g, wCodes);
    const x = affineFor({ min: p.lo, max: p.hi }, p.mode);
    const w = Array.from({ length: g.outChannels }, (_, co) => affineFor({ min: p.perChannel ? p.lo / (co + 1) : p.lo, max: p.hi }, p.mode));
    const { accumulations, windowSums } = fastAccumulateWithSums(g, codes, wCodes, padCode, table);
    const native = onPath(path, () => nativeApproxConvolve(g, codes, wCodes, padCode, table, wSums, x, w));
    expect(native).toBeDefined();
    expect(bits(native as Float32Array)).toEqual(bits(dequantizeAccumulations(g, accumulations, windowSums, wSums, x, w)));

    const decoded = nativePaddedFakeQuantized(g, codes, x);
    const after = paddingAfter(g);
    const [ph, pw] = [g.inHeight + g.padTop + after.bottom, g.inWidth + g.padLeft + after.right];
    const want = new Float32Array(g.batch * ph * pw * g.inChannels).fill(dequantizeValue(x, codeOf(x)));
    for (let n = 0; n < g.batch; n++)
      for (let r = 0; r < g.inHeight; r++)
        for (let col = 0; col < g.inWidth; col++)
          for (let ch = 0; ch < g.inChannels; ch++)
            want[((n * ph + r + g.padTop) * pw + col + g.padLeft) * g.inChannels + ch] = dequantizeValue(x, codes[((n * g.inHeight + r) * g.inWidth + col) * g.inChannels + ch] as number);
    expect(decoded?.shape).toEqual([g.batch, ph, pw, g.inChannels]);
    expect(bits(decoded?.values as Float32Array)).toEqual(bits(want));
  });

  test.prop([fc.float32Array({ minLength: 1, maxLength: 300 }), fc.double({ min: -3, max: 0, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true }), fc.constantFrom<QuantMode>('asymmetric', 'symmetric')], {
    numRuns: 100,
  })('quantization equals quantizeInto on any float32 values (NaN, infinities, subnormals included)', (values, lo, hi, mode) => {
    const p = affineFor({ min: lo, max: hi }, mode);
    expect(Array.from(nativeQuantizeInto(p, values) as Uint8Array)).toEqual(Array.from(quantizeInto(p, values)));
  });

  test.prop([fc.float32Array({ maxLength: 300 }), fc.array(fc.constantFrom(0, -0, Number.NaN), { maxLength: 40 }), fc.nat()], { numRuns: 200 })(
    'the range equals rangeOf on any float32 values, to the sign of a zero end',
    (values, specials, at) => {
      // zeros of both signs and NaNs spliced in, so that zero ends (ReLU outputs) and all-NaN arrays are common
      const all = Float32Array.from([...values.slice(0, at % (values.length + 1)), ...specials, ...values.slice(at % (values.length + 1))]);
      const want = rangeOf(all);
      const got = nativeRangeOf(all);
      expect(Object.is(got?.min, want.min) && Object.is(got?.max, want.max)).toBe(true);
    },
  );

  it('the range equals rangeOf on an array long enough to split over threads, a -0 after the first +0', () => {
    const values = Float32Array.from({ length: 300_001 }, (_, i) => (i % 7 === 0 ? 0 : Math.abs(Math.sin(i))));
    values[17] = -0;
    values[0] = 0.5;
    const want = rangeOf(values);
    expect(want.min).toBe(0);
    const got = nativeRangeOf(values);
    expect(Object.is(got?.min, want.min) && Object.is(got?.max, want.max)).toBe(true);
    values[7] = -0; // now the first zero is negative
    expect(Object.is(nativeRangeOf(values)?.min, -0)).toBe(true);
    expect(Object.is(rangeOf(values).min, -0)).toBe(true);
  });

  it('quantization equals quantizeInto on an array long enough to split over threads', () => {
    const p = affineFor({ min: -1.3, max: 2.1 }, 'asymmetric');
    const specials = [Number.NaN, Infinity, -Infinity, -0, 1e-40, -1e-40, -1.3, 2.1];
    let state = 12345;
    const values = Float32Array.from({ length: 70_001 }, (_, i) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return i % 97 === 0 ? (specials[i % specials.length] as number) : (state / 2 ** 32) * 4 - 1.6;
    });
    expect(Array.from(nativeQuantizeInto(p, values) as Uint8Array)).toEqual(Array.from(quantizeInto(p, values)));
  });
});
