import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { fc, test } from '@fast-check/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { dequantizeAccumulations, filterCodeSums, geometryFor } from '@approx-darts/approx-conv';
import { affineFor, codeOf } from '@approx-darts/quantization';
import { nativeApproxConvolve } from '../../libs/kernels/src/native-approx-host';
import { fastAccumulateWithSums } from '@approx-darts/kernels';
import { nativeConvKernels } from '../../libs/engine-cpu/src/native/native-conv-kernels';
import { cpuNativeStatus, loadCpuNative, nativeLutAccumulate, nativeLutPath, type LutPathRequest } from '@approx-darts/cpu-native';
import { sharedTables } from './tables';

// The native cpu kernels (kernels/cpu-native) against tfjs-backend-cpu's own: every convolution pass, forward and
// both gradients, on random NHWC problems (strides 1/2, kernels 1/3/5, 'same'/'valid'/explicit padding, dilations on
// the forward passes, channel multipliers). oneDNN sums in another order, so values are compared with a float32-level
// tolerance relative to the output's scale. The LUT accumulation's window sums are checked here; its accumulations
// run in accumulate.test.ts with every other implementation.

const loaded = loadCpuNative();
const reason = loaded.ok ? undefined : cpuNativeStatus().detail;
if (reason !== undefined) console.warn(`skipped: native cpu kernel conformance: ${reason}`);

type Pad = 'same' | 'valid' | tf.backend_util.ExplicitPadding;

interface Problem {
  readonly batch: number;
  readonly h: number;
  readonly w: number;
  readonly cin: number;
  readonly cout: number; // output channels (conv) or channel multiplier (depthwise)
  readonly k: number;
  readonly kw: number;
  readonly stride: number;
  readonly dilation: number;
  readonly pad: Pad;
}

const info = (p: Problem, depthwise: boolean): tf.backend_util.Conv2DInfo =>
  tf.backend_util.computeConv2DInfo([p.batch, p.h, p.w, p.cin], [p.k, p.kw, p.cin, p.cout], p.stride, p.dilation, p.pad, undefined, depthwise, 'channelsLast');

const problemArb = (maxCout: number, dilated: boolean): fc.Arbitrary<Problem> =>
  fc
    .record({
      batch: fc.integer({ min: 1, max: 3 }),
      h: fc.integer({ min: 1, max: 11 }),
      w: fc.integer({ min: 1, max: 11 }),
      cin: fc.integer({ min: 1, max: 6 }),
      cout: fc.integer({ min: 1, max: maxCout }),
      k: fc.constantFrom(1, 3, 5),
      kw: fc.constantFrom(1, 3, 5),
      stride: fc.constantFrom(1, 2),
      // tfjs's convolution gradients take dilation 1 only; the forward passes are tested dilated too
      dilation: dilated ? fc.constantFrom(1, 2) : fc.constant(1),
      pad: fc.oneof(
        fc.constantFrom<Pad>('same', 'valid'),
        fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)).map(([t, b, l, r]): Pad => [[0, 0], [t, b], [l, r], [0, 0]]),
      ),
    })
    // tfjs takes stride > 1 with dilation 1 only
    .map((p) => (p.dilation > 1 ? { ...p, stride: 1 } : p))
    .filter((p) => {
      if (p.pad === 'valid' && ((p.k - 1) * p.dilation + 1 > p.h || (p.kw - 1) * p.dilation + 1 > p.w)) return false;
      const i = info(p, false);
      return i.outHeight > 0 && i.outWidth > 0;
    });

interface Case {
  readonly inputs: Record<string, tf.Tensor>;
  readonly attrs: tf.NamedAttrMap;
}

const rand = (shape: readonly number[], seed: number): tf.Tensor => tf.randomUniform([...shape], -1, 1, 'float32', seed);
const convAttrs = (p: Problem): tf.NamedAttrMap => ({ strides: [p.stride, p.stride], pad: p.pad as unknown as tf.NamedAttrMap[string], dilations: [p.dilation, p.dilation] });
const xShape = (p: Problem) => [p.batch, p.h, p.w, p.cin];
const fShape = (p: Problem) => [p.k, p.kw, p.cin, p.cout];

/** How each kernel's inputs and attrs are built, mirroring what tfjs-core's ops and gradients pass. */
const cases: Record<string, { depthwise: boolean; dilated: boolean; make: (p: Problem, i: tf.backend_util.Conv2DInfo, seed: number) => Case }> = {
  [tf.Conv2D]: {
    depthwise: false,
    dilated: true,
    make: (p, _i, s) => ({ inputs: { x: rand(xShape(p), s), filter: rand(fShape(p), s + 1) }, attrs: { ...convAttrs(p), dataFormat: 'NHWC' } }),
  },
  [tf.Conv2DBackpropFilter]: {
    depthwise: false,
    dilated: false,
    make: (p, i, s) => ({ inputs: { x: rand(xShape(p), s), dy: rand(i.outShape, s + 1) }, attrs: { ...convAttrs(p), dataFormat: 'NHWC', filterShape: fShape(p) } }),
  },
  [tf.Conv2DBackpropInput]: {
    depthwise: false,
    dilated: false,
    make: (p, i, s) => ({ inputs: { dy: rand(i.outShape, s), filter: rand(fShape(p), s + 1) }, attrs: { ...convAttrs(p), dataFormat: 'NHWC', inputShape: xShape(p) } }),
  },
  [tf.DepthwiseConv2dNative]: {
    depthwise: true,
    dilated: true,
    make: (p, _i, s) => ({ inputs: { x: rand(xShape(p), s), filter: rand(fShape(p), s + 1) }, attrs: convAttrs(p) }),
  },
  [tf.DepthwiseConv2dNativeBackpropFilter]: {
    depthwise: true,
    dilated: false,
    make: (p, i, s) => ({ inputs: { x: rand(xShape(p), s), dy: rand(i.outShape, s + 1) }, attrs: { ...convAttrs(p), filterShape: fShape(p) } }),
  },
  [tf.DepthwiseConv2dNativeBackpropInput]: {
    depthwise: true,
    dilated: false,
    make: (p, i, s) => ({ inputs: { dy: rand(i.outShape, s), filter: rand(fShape(p), s + 1) }, attrs: { ...convAttrs(p), inputShape: xShape(p) } }),
  },
};

const run = (f: tf.KernelFunc, c: Case): { shape: number[]; values: Float32Array } => {
  const out = f({ inputs: c.inputs, backend: tf.backend(), attrs: c.attrs }) as tf.TensorInfo;
  const t = tf.engine().makeTensorFromTensorInfo(out);
  const r = { shape: [...t.shape], values: t.dataSync() as Float32Array };
  t.dispose();
  return r;
};

const expectClose = (native: { shape: number[]; values: Float32Array }, ref: { shape: number[]; values: Float32Array }): void => {
  expect(native.shape).toEqual(ref.shape);
  const scale = ref.values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  for (let i = 0; i < ref.values.length; i++) {
    const a = native.values[i] as number;
    const b = ref.values[i] as number;
    if (!(Math.abs(a - b) <= 1e-5 * Math.abs(b) + 1e-5 * scale)) expect.fail(`element ${i}: native ${a} vs tfjs ${b}`);
  }
};

const originals = new Map<string, tf.KernelFunc>();
// A fallback that would hide a native failure: the tests pass this one, so any fallback fails the test.
const noFallback: tf.KernelFunc = () => {
  throw new Error('the native kernel fell back');
};

beforeAll(async () => {
  await tf.setBackend('cpu');
  for (const name of Object.keys(cases)) {
    const original = tf.getKernel(name, 'cpu')?.kernelFunc;
    // An anonymous function here would mean faster kernels were already registered in this process.
    if (original === undefined || original.name === '') throw new Error(`no original tfjs kernel for ${name}`);
    originals.set(name, original);
  }
});

const nativeKernel = (name: string): tf.KernelFunc => {
  if (!loaded.ok) throw new Error('addon not loaded');
  const k = nativeConvKernels(loaded.addon).find((c) => c.kernelName === name);
  if (k === undefined) throw new Error(`no native kernel ${name}`);
  return k.make(noFallback);
};

describe.skipIf(reason !== undefined).each(Object.keys(cases))('native %s', (name) => {
  const spec = cases[name] as (typeof cases)[string];

  test.prop([problemArb(spec.depthwise ? 3 : 7, spec.dilated), fc.nat(1000)], { numRuns: 60 })('matches tfjs-backend-cpu', (p, seed) => {
    const c = spec.make(p, info(p, spec.depthwise), seed);
    expectClose(run(nativeKernel(name), c), run(originals.get(name) as tf.KernelFunc, c));
    tf.dispose(Object.values(c.inputs));
  });

  it('matches tfjs on a search-network problem (batch 4, 16x16, 16 channels, 3x3 same)', () => {
    const p: Problem = { batch: 4, h: 16, w: 16, cin: 16, cout: spec.depthwise ? 1 : 16, k: 3, kw: 3, stride: 1, dilation: 1, pad: 'same' };
    const c = spec.make(p, info(p, spec.depthwise), 7);
    expectClose(run(nativeKernel(name), c), run(originals.get(name) as tf.KernelFunc, c));
    tf.dispose(Object.values(c.inputs));
  });
});

// Both accumulation paths (gathers; AVX-512 VBMI byte shuffles where the CPU has them, else skipped with the reason).
const lutPaths = ((): readonly { readonly path: 'gather' | 'shuffle'; readonly skip?: string }[] => {
  if (!loaded.ok) return [];
  const shuffle = nativeLutPath(loaded.addon, 'shuffle');
  nativeLutPath(loaded.addon, 'auto');
  if (shuffle.path !== 'shuffle') console.warn(`skipped: native LUT accumulation by byte shuffles: ${shuffle.reason}`);
  return [{ path: 'gather' }, shuffle.path === 'shuffle' ? { path: 'shuffle' } : { path: 'shuffle', skip: shuffle.reason }];
})();

// Runs f with the addon's LUT path set to `path`, and back to the automatic choice after.
const onPath = <T>(path: 'gather' | 'shuffle', f: () => T): T => {
  if (!loaded.ok) throw new Error('unreachable: the suite is skipped without the addon');
  expect(nativeLutPath(loaded.addon, path).path).toBe(path);
  try {
    return f();
  } finally {
    nativeLutPath(loaded.addon, 'auto');
  }
};

describe.skipIf(reason !== undefined)('native LUT accumulation', () => {
  const table = sharedTables().find((t) => t.name !== 'exact')?.products ?? sharedTables()[0]!.products;

  for (const { path, skip } of lutPaths)
    describe.skipIf(skip !== undefined)(`by ${path === 'gather' ? 'gathers' : 'byte shuffles'}`, () => {
      test.prop(
        [
          fc.record({
            kind: fc.constantFrom('conv2d' as const, 'depthwise' as const),
            batch: fc.integer({ min: 1, max: 3 }),
            h: fc.integer({ min: 5, max: 12 }),
            c: fc.integer({ min: 1, max: 9 }),
            last: fc.integer({ min: 1, max: 9 }),
            k: fc.constantFrom(1, 3, 5),
            stride: fc.constantFrom(1, 2),
            dilation: fc.constantFrom(1, 2),
            pad: fc.constantFrom('same' as const, 'valid' as const),
            seed: fc.nat(),
            padCode: fc.integer({ min: 0, max: 255 }),
          }),
        ],
        { numRuns: 60, seed: path === 'gather' ? 27 : 2027 },
      )('accumulations and window sums equal the TypeScript kernel', (p) => {
        if (!loaded.ok) throw new Error('unreachable: the suite is skipped without the addon');
        const last = p.kind === 'depthwise' ? 1 + (p.last % 2) : p.last;
        if (p.pad === 'valid' && (p.k - 1) * p.dilation + 1 > p.h) return;
        const g = geometryFor(p.kind, [p.batch, p.h, p.h + 1, p.c], [p.k, p.k, p.c, last], { strides: p.stride, dilations: p.dilation, pad: p.pad });
        let s = p.seed >>> 0;
        const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24;
        const x = Uint8Array.from({ length: p.batch * p.h * (p.h + 1) * p.c }, next);
        const w = Uint8Array.from({ length: p.k * p.k * p.c * last }, next);
        const want = fastAccumulateWithSums(g, x, w, p.padCode, table);
        const got = onPath(path, () => nativeLutAccumulate(loaded.addon, g, x, w, p.padCode, table));
        expect(Array.from(got.windowSums)).toEqual(Array.from(want.windowSums));
        expect(Array.from(got.accumulations)).toEqual(Array.from(want.accumulations));
      });

      it('the fused accumulation and dequantization equal the TypeScript on every shared table, bit for bit', () => {
        // one geometry per kind: a reduction past 257 terms (conv2d), partial 64-pixel tiles, padding
        const bits = (v: Float32Array): number[] => Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length));
        for (const [kind, k, c, last] of [
          ['conv2d', 3, 30, 5],
          ['depthwise', 5, 7, 2],
        ] as const) {
          const g = geometryFor(kind, [2, 9, 10, c], [k, k, c, last], { strides: 1, dilations: 1, pad: 'same' });
          let s = 27;
          const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24;
          const codes = Uint8Array.from({ length: g.batch * g.inHeight * g.inWidth * c }, next);
          const wCodes = Uint8Array.from({ length: k * k * (kind === 'depthwise' ? 1 : c) * g.outChannels }, next);
          const wSums = filterCodeSums(g, wCodes);
          const x = affineFor({ min: -1.5, max: 2.5 }, 'asymmetric');
          const w = Array.from({ length: g.outChannels }, (_, co) => affineFor({ min: -0.5 / (co + 1), max: 0.7 }, 'asymmetric'));
          const padCode = codeOf(x);
          for (const t of sharedTables()) {
            const { accumulations, windowSums } = fastAccumulateWithSums(g, codes, wCodes, padCode, t.products);
            const want = bits(dequantizeAccumulations(g, accumulations, windowSums, wSums, x, w));
            const got = bits(onPath(path, () => nativeApproxConvolve(g, codes, wCodes, padCode, t.products, wSums, x, w)) as Float32Array);
            if (got.length !== want.length || !got.every((v, i) => v === want[i])) expect({ table: t.name, kind, got }).toEqual({ table: t.name, kind, got: want });
          }
        }
      });

      // The byte-shuffle path sums each byte plane in 16 bits, exact up to 257 terms of 255: with every entry 0xffff
      // and every code 255 a longer reduction overflows unless it is split, and the gathers' int32 sums are checked too.
      it.each([
        ['conv2d', 1, 257],
        ['conv2d', 1, 258],
        ['conv2d', 3, 29],
        ['conv2d', 1, 600],
        ['depthwise', 17, 2],
      ] as const)('a %s %ix%i reduction of the largest entries is exact', (kind, k, c) => {
        if (!loaded.ok) throw new Error('unreachable: the suite is skipped without the addon');
        const g = geometryFor(kind, [1, 9, 9, c], [k, k, c, 2], { strides: 1, dilations: 1, pad: 'same' });
        const x = new Uint8Array(9 * 9 * c).fill(255);
        const w = new Uint8Array(k * k * (kind === 'depthwise' ? 1 : c) * g.outChannels).fill(255);
        const big = new Uint16Array(65536).fill(0xffff);
        const want = fastAccumulateWithSums(g, x, w, 255, big);
        const got = onPath(path, () => nativeLutAccumulate(loaded.addon, g, x, w, 255, big));
        expect(want.accumulations[0]).toBe(k * k * (kind === 'depthwise' ? 1 : c) * 0xffff);
        expect(Array.from(got.windowSums)).toEqual(Array.from(want.windowSums));
        expect(Array.from(got.accumulations)).toEqual(Array.from(want.accumulations));
      });
    });

  it('rejects a table of the wrong type with a clear error', () => {
    if (!loaded.ok) throw new Error('unreachable: the suite is skipped without the addon');
    const g = geometryFor('conv2d', [1, 3, 3, 1], [1, 1, 1, 1], { strides: 1, dilations: 1, pad: 'valid' });
    expect(() => nativeLutAccumulate(loaded.addon, g, new Uint8Array(9), new Uint8Array(1), 0, new Uint32Array(65536) as unknown as Uint16Array)).toThrow(/table/);
  });

  it('rejects an unknown LUT path, and reports the one in force with its reason', () => {
    if (!loaded.ok) throw new Error('unreachable: the suite is skipped without the addon');
    expect(() => nativeLutPath(loaded.addon, 'scatter' as LutPathRequest)).toThrow(/auto, gather or shuffle/);
    const auto = nativeLutPath(loaded.addon, 'auto');
    expect(auto.path).toBe(auto.vbmi ? 'shuffle' : 'gather');
    expect(auto.reason).toMatch(auto.vbmi ? /^byte shuffles: the CPU has AVX-512 VBMI/ : /^gathers: the CPU has no AVX-512 VBMI/);
    expect(cpuNativeStatus().lutPath).toBe(auto.reason); // what doctor prints
    expect(onPath('gather', () => nativeLutPath(loaded.addon as never).reason)).toMatch(/forced by APPROX_DARTS_LUT_PATH=gather/);
  });
});
