// The WGSL programs of the webgpu engine executed by Dawn (SwiftShader in CI) against the pure specification, bit for
// bit: the min/max range reduction, the quantizer, and the whole approximate convolution (range -> codes -> table
// accumulation -> dequantization) in both table layouts, for every shared table, on seeded random geometries.
// The accumulate-only programs are in the conformance suite (test/conformance/accumulate.test.ts).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { approxConvolve, geometryFor, type ConvGeometry } from '@approx-darts/approx-conv';
import { affineFor, fakeQuantizeInto, quantizeInto, rangeOf, threshold, type AffineParams, type QuantMode, type QuantRange } from '@approx-darts/quantization';
import { FakeQuantize8, conv2d, depthwiseConv2d } from '@approx-darts/kernels';
import { gpuRange, registerWebgpuKernels, type GpuBackend, type LutLayout } from '@approx-darts/engine-webgpu';
import { quantizeProgram } from './quantize-program';
import { sharedTables } from '../conformance/tables';
import { webgpuForTests } from './webgpu-for-tests';

const engine = await webgpuForTests();
const tables = sharedTables();
const seed = 20261202;

const backend = (): GpuBackend => tf.backend() as unknown as GpuBackend;

/** Values with NaN-free, tie-prone content: multiples of a coarse step land exactly on rounding ties. */
const values = (rnd: () => number, n: number, ties: boolean): Float32Array =>
  Float32Array.from({ length: n }, () => (ties ? Math.round(rnd() * 64) / 16 - 2 : (rnd() * 2 - 1) * 3));

const lcg = (s: number) => {
  let state = s >>> 0;
  return () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
};

const read = async (info: tf.TensorInfo): Promise<Float32Array | Int32Array> => {
  const t = tf.engine().makeTensorFromTensorInfo(info);
  try {
    return (await t.data()) as Float32Array | Int32Array;
  } finally {
    t.dispose();
  }
};

describe.skipIf(engine === undefined)('WGSL range reduction (Dawn)', () => {
  it.each([
    [1, 7],
    [1, 300_000],
    [5, 4096 * 5],
    [3, 3],
  ])('per %i channel(s) over %i values: the exact min and max of each channel, NaN skipped', async (channels, size) => {
    const rnd = lcg(seed + size);
    const data = Float32Array.from({ length: size }, (_, i) => (i % 97 === 5 ? Number.NaN : (rnd() * 2 - 1) * 1e3));
    const x = tf.tensor1d(data);
    const got = await read(gpuRange(backend(), x, channels));
    for (let c = 0; c < channels; c++) {
      const want = rangeOf(data, c, size, channels);
      expect([got[2 * c], got[2 * c + 1]]).toEqual([want.min, want.max]);
    }
    x.dispose();
  });
});

// Values on and beside every code threshold of a range (where a division-based rounding would differ), plus NaN,
// infinities, signed zeros and subnormals, then ordinary values.
const hardValues = (p: AffineParams): Float32Array => {
  const near = Array.from({ length: 255 }, (_, k) => threshold(p, k + 1)).flatMap((t) => [t, Math.fround(t * (1 - 2 ** -23)), Math.fround(t * (1 + 2 ** -23))]);
  const odd = [Number.NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40];
  return Float32Array.from([...near, ...odd, ...Array.from({ length: 100 }, (_, i) => Math.sin(i * 1.7) * 3)]);
};

describe.skipIf(engine === undefined)('WGSL quantizer and FakeQuantize8 (Dawn)', () => {
  const ranges = [
    { min: -0.0123, max: 2.7 },
    { min: -3, max: 0.125 },
    { min: 4, max: 4 },
  ];

  it.each(['asymmetric', 'symmetric'] as const)('%s codes equal the specification bit for bit, thresholds and ties included', async (mode: QuantMode) => {
    const rnd = lcg(seed);
    for (const data of [hardValues(affineFor(ranges[0] as QuantRange, mode)), values(rnd, 4099, true), values(rnd, 4099, false)]) {
      const range = data.length === 4099 ? rangeOf(data) : (ranges[0] as QuantRange);
      const x = tf.tensor1d(data);
      const bounds = tf.tensor2d([[range.min, range.max]]);
      const got = await read(backend().runWebGPUProgram(quantizeProgram([data.length], mode), [x, bounds], 'int32'));
      expect(Array.from(got)).toEqual(Array.from(quantizeInto(affineFor(range, mode), data)));
      tf.dispose([x, bounds]);
    }
  });

  it.each(['asymmetric', 'symmetric'] as const)('%s FakeQuantize8 equals fakeQuantizeInto bit for bit, per channel', async (mode: QuantMode) => {
    const params = ranges.map((r) => affineFor(r, mode));
    // Channel c of element i is i % 3: spread each channel's hard values over its positions.
    const perChannel = params.map(hardValues);
    const data = Float32Array.from({ length: 3 * Math.max(...perChannel.map((v) => v.length)) }, (_, i) => {
      const own = perChannel[i % 3] as Float32Array;
      return own[Math.floor(i / 3) % own.length] as number;
    });
    const x = tf.tensor2d(data, [data.length / 3, 3]);
    const bounds = tf.tensor2d(ranges.map((r) => [r.min, r.max]));
    const out = tf.engine().runKernel(FakeQuantize8, { x, bounds }, { mode } as unknown as tf.NamedAttrMap) as tf.Tensor;
    expect(Array.from(await out.data())).toEqual(Array.from(fakeQuantizeInto(params, data)));
    tf.dispose([x, bounds, out]);
  });
});

interface KernelCase {
  readonly g: ConvGeometry;
  readonly x: Float32Array;
  readonly w: Float32Array;
  readonly pad: 'same' | 'valid';
  readonly mode: QuantMode;
  readonly perChannel: boolean;
  readonly recorded: boolean;
}

const caseArb = fc
  .record({
    kind: fc.constantFrom('conv2d' as const, 'depthwise' as const),
    batch: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 9 }),
    w: fc.integer({ min: 1, max: 9 }),
    inC: fc.integer({ min: 1, max: 6 }),
    out: fc.integer({ min: 1, max: 4 }),
    k: fc.constantFrom(1, 3, 5),
    stride: fc.integer({ min: 1, max: 2 }),
    dilation: fc.integer({ min: 1, max: 2 }),
    pad: fc.constantFrom('same' as const, 'valid' as const),
    mode: fc.constantFrom('asymmetric' as const, 'symmetric' as const),
    perChannel: fc.boolean(),
    recorded: fc.boolean(),
    ties: fc.boolean(),
    valueSeed: fc.integer({ min: 1, max: 2 ** 30 }),
  })
  .filter((p) => p.pad === 'same' || (p.h >= (p.k - 1) * p.dilation + 1 && p.w >= (p.k - 1) * p.dilation + 1))
  .map((p): KernelCase => {
    const g = geometryFor(p.kind, [p.batch, p.h, p.w, p.inC], [p.k, p.k, p.inC, p.out], { strides: p.stride, dilations: p.dilation, pad: p.pad });
    const rnd = lcg(p.valueSeed);
    return { g, x: values(rnd, p.batch * p.h * p.w * p.inC, p.ties), w: values(rnd, p.k * p.k * p.inC * p.out, p.ties).map((v) => v / 4), pad: p.pad, mode: p.mode, perChannel: p.perChannel, recorded: p.recorded };
  });

// A recorded range narrower than the data: values outside it clamp to codes 0 and 255.
const recordedRange = { min: -1.25, max: 1.5 };

const runKernel = async (c: KernelCase, table: (typeof tables)[number]): Promise<Float32Array> => {
  const approx = { table, quantization: c.mode, perChannelWeights: c.perChannel };
  const x = tf.tensor4d(c.x, [c.g.batch, c.g.inHeight, c.g.inWidth, c.g.inChannels]);
  const w = tf.tensor4d(c.w, [c.g.filterHeight, c.g.filterWidth, c.g.inChannels, c.g.kind === 'conv2d' ? c.g.outChannels : c.g.outChannels / c.g.inChannels]);
  const inputRange = c.recorded ? tf.tensor1d([recordedRange.min, recordedRange.max]) : undefined;
  const o = { strides: c.g.strideHeight, dilation: c.g.dilationHeight, pad: c.pad, approx, ...(inputRange ? { inputRange } : {}) };
  const y = c.g.kind === 'conv2d' ? conv2d(x, w, o) : depthwiseConv2d(x, w, o);
  try {
    return (await y.data()) as Float32Array;
  } finally {
    tf.dispose([x, w, y, ...(inputRange ? [inputRange] : [])]);
  }
};

describe.skipIf(engine === undefined)('approximate convolution kernels on webgpu (Dawn)', () => {
  it.each(['packed', 'workgroup'] as const)('%s table: the output equals approxConvolve bit for bit, every shared table', async (layout: LutLayout) => {
    registerWebgpuKernels(layout);
    const cases = fc.sample(caseArb, { seed: seed + (layout === 'packed' ? 0 : 1), numRuns: tables.length });
    for (const [i, table] of tables.entries()) {
      const c = cases[i] as KernelCase;
      const want = approxConvolve(c.g, c.x, c.w, table.products, { mode: c.mode, perChannelWeights: c.perChannel, ...(c.recorded ? { inputRange: recordedRange } : {}) }).output;
      const got = await runKernel(c, table);
      const bad = want.findIndex((v, j) => !Object.is(v, got[j]));
      if (bad >= 0) expect({ table: table.name, case: { ...c, x: undefined, w: undefined }, at: bad, got: got[bad] }).toEqual({ table: table.name, case: { ...c, x: undefined, w: undefined }, at: bad, got: want[bad] });
    }
  }, 300_000);
});
