import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { dequantizeAccumulations, geometryFor, paddingAfter, windowSize } from '@approx-darts/approx-conv';
import { affineFor, codeOf, dequantizeValue, quantizeInto, type QuantMode } from '@approx-darts/quantization';
import { cpuNativeStatus, loadCpuNative } from '@approx-darts/cpu-native';
import { nativeDequantizeAccumulations, nativePaddedFakeQuantized, nativeQuantizeInto } from './native-approx-host';

// The native float ends of the host approximate convolution against libs/approx-conv's and libs/quantization's
// TypeScript, bit for bit (binary32 steps, subnormals flushed), on random geometries, ranges and accumulations; the
// LUT accumulation's depthwise and dense loops are compared in test/conformance.

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

describe.skipIf(reason !== undefined)('native host loops of the approximate convolution', () => {
  test.prop([caseArb], { numRuns: 60 })('dequantization and padded decode equal the TypeScript, bit for bit', (p) => {
    if (p.pad === 'valid' && p.k > p.h) return;
    const last = p.kind === 'depthwise' ? 1 + (p.last % 2) : p.last;
    const g = geometryFor(p.kind, [p.batch, p.h, p.h, p.c], [p.k, p.k, p.c, last], { strides: p.stride, dilations: 1, pad: p.pad });
    let s = p.seed >>> 0;
    const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
    const positions = g.batch * g.outHeight * g.outWidth;
    const acc = Int32Array.from({ length: positions * g.outChannels }, () => next() % (windowSize(g) * 65536));
    const xSums = Int32Array.from({ length: positions * (p.kind === 'depthwise' ? g.inChannels : 1) }, () => next() % (windowSize(g) * 256));
    const wSums = Int32Array.from({ length: g.outChannels }, () => next() % 4096);
    const x = affineFor({ min: p.lo, max: p.hi }, p.mode);
    const w = Array.from({ length: g.outChannels }, (_, co) => affineFor({ min: p.perChannel ? p.lo / (co + 1) : p.lo, max: p.hi }, p.mode));
    const native = nativeDequantizeAccumulations(g, acc, xSums, wSums, x, w);
    expect(native).toBeDefined();
    expect(bits(native as Float32Array)).toEqual(bits(dequantizeAccumulations(g, acc, xSums, wSums, x, w)));

    const codes = Uint8Array.from({ length: g.batch * g.inHeight * g.inWidth * g.inChannels }, () => next() & 255);
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
});
