import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { cpuNativeStatus, loadCpuNative, nativeConv, nativeConvImplementation, type ConvPass, type NativeConvShape } from '@approx-darts/cpu-native';

// The native depthwise passes at every stride and dilation, gradients included, which tfjs's own kernels cannot check
// (its depthwise gradients take dilation 1 only; native-kernels.test.ts compares the rest with tfjs): each pass
// against the definition summed in float64. The dilated and 5x5 backprops run kernels/cpu-native's direct loops
// (depthwise_direct.cc), the others oneDNN's; both are covered here.

const loaded = loadCpuNative();
const reason = loaded.ok ? undefined : cpuNativeStatus().detail;
if (reason !== undefined) console.warn(`skipped: native depthwise conformance: ${reason}`);

interface Problem {
  readonly batch: number;
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly k: number;
  readonly stride: number;
  readonly dilation: number;
  readonly pad: 'same' | 'valid';
}

const shapeOf = (p: Problem): NativeConvShape => {
  const i = tf.backend_util.computeConv2DInfo([p.batch, p.h, p.w, p.c], [p.k, p.k, p.c, 1], p.stride, p.dilation, p.pad, undefined, true, 'channelsLast');
  return {
    batch: p.batch, inHeight: p.h, inWidth: p.w, inChannels: p.c, outHeight: i.outHeight, outWidth: i.outWidth, outChannels: p.c,
    filterHeight: p.k, filterWidth: p.k, strideHeight: p.stride, strideWidth: p.stride, dilationHeight: p.dilation, dilationWidth: p.dilation,
    padTop: i.padInfo.top, padLeft: i.padInfo.left, padBottom: i.padInfo.bottom, padRight: i.padInfo.right, depthwise: true,
  };
};

/** Every (output, tap) pair whose input pixel lies in the image, with the flat indices of x, w and y. */
const terms = (s: NativeConvShape, visit: (xi: number, wi: number, yi: number) => void): void => {
  for (let n = 0; n < s.batch; n++)
    for (let oy = 0; oy < s.outHeight; oy++)
      for (let ox = 0; ox < s.outWidth; ox++)
        for (let kh = 0; kh < s.filterHeight; kh++)
          for (let kw = 0; kw < s.filterWidth; kw++) {
            const iy = oy * s.strideHeight + kh * s.dilationHeight - s.padTop, ix = ox * s.strideWidth + kw * s.dilationWidth - s.padLeft;
            if (iy < 0 || iy >= s.inHeight || ix < 0 || ix >= s.inWidth) continue;
            for (let c = 0; c < s.inChannels; c++)
              visit(((n * s.inHeight + iy) * s.inWidth + ix) * s.inChannels + c, (kh * s.filterWidth + kw) * s.inChannels + c, ((n * s.outHeight + oy) * s.outWidth + ox) * s.inChannels + c);
          }
};

/** The pass by definition in float64, and the sum of |term| per element (the float32 rounding's scale). */
const reference = (pass: ConvPass, s: NativeConvShape, x: Float32Array, w: Float32Array, dy: Float32Array, size: number) => {
  const value = new Float64Array(size), scale = new Float64Array(size);
  terms(s, (xi, wi, yi) => {
    const [at, term] = pass === 'forward' ? [yi, x[xi]! * w[wi]!] : pass === 'backwardData' ? [xi, dy[yi]! * w[wi]!] : [wi, x[xi]! * dy[yi]!];
    value[at] = value[at]! + term;
    scale[at] = scale[at]! + Math.abs(term);
  });
  return { value, scale };
};

const random = (n: number, seed: number): Float32Array => {
  let state = seed * 2654435761 + 1;
  return Float32Array.from({ length: n }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 31 - 1;
  });
};

const problemArb = fc
  .record({
    batch: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 11 }),
    w: fc.integer({ min: 1, max: 11 }),
    c: fc.integer({ min: 1, max: 17 }),
    k: fc.constantFrom(1, 3, 5),
    stride: fc.constantFrom(1, 2),
    dilation: fc.constantFrom(1, 2, 3),
    pad: fc.constantFrom<'same' | 'valid'>('same', 'valid'),
  })
  .filter((p) => p.pad === 'same' || ((p.k - 1) * p.dilation + 1 <= p.h && (p.k - 1) * p.dilation + 1 <= p.w));

const check = (p: Problem, seed: number): void => {
  if (!loaded.ok) throw new Error('addon not loaded');
  const s = shapeOf(p);
  const x = random(s.batch * s.inHeight * s.inWidth * s.inChannels, seed);
  const w = random(s.filterHeight * s.filterWidth * s.inChannels, seed + 1);
  const dy = random(s.batch * s.outHeight * s.outWidth * s.outChannels, seed + 2);
  const passes: readonly [ConvPass, Float32Array, Float32Array, number][] = [
    ['forward', x, w, dy.length],
    ['backwardData', dy, w, x.length],
    ['backwardWeights', x, dy, w.length],
  ];
  for (const [pass, a, b, size] of passes) {
    const out = new Float32Array(size).fill(Number.NaN);
    nativeConv(loaded.addon, pass, s, a, b, out);
    const ref = reference(pass, s, x, w, dy, size);
    for (let i = 0; i < size; i++)
      if (!(Math.abs(out[i]! - ref.value[i]!) <= 1e-6 * ref.scale[i]! + 1e-30))
        expect.fail(`${pass} (${nativeConvImplementation(loaded.addon, pass, s)}) element ${i}: ${out[i]} vs ${ref.value[i]}`);
  }
};

describe.skipIf(reason !== undefined)('native depthwise convolution, every stride and dilation, both gradients', () => {
  test.prop([problemArb, fc.nat(1000)], { numRuns: 150 })('equals its definition', (p, seed) => check(p, seed));

  it("runs the search network's dilated shapes on the direct loops and checks them", () => {
    if (!loaded.ok) throw new Error('addon not loaded');
    for (const stride of [1, 2]) {
      const p: Problem = { batch: 2, h: 16, w: 16, c: 16, k: 3, stride, dilation: 2, pad: 'same' };
      expect(nativeConvImplementation(loaded.addon, 'backwardData', shapeOf(p))).toMatch(/^direct/);
      check(p, 7);
    }
  });
});
