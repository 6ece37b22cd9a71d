// The cpu engine against the quantization specification (SPEC.md of @approx-darts/quantization), bit for bit: the
// FakeQuantize8 kernel and its straight-through gradient, and the ApproxConv2D / ApproxDepthwiseConv2D kernels against
// the reference approxConvolve (same codes, same integer sums, same binary32 dequantization).
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { approxConvolve, geometryFor } from '@approx-darts/approx-conv';
import { affineFor, fakeQuantizeValue, rangeOf, threshold, type QuantMode } from '@approx-darts/quantization';
import { conv2d, depthwiseConv2d, fakeQuantize8, fakeQuantizeActivations, fakeQuantizeWeights } from '@approx-darts/kernels';
import { sharedTables } from './tables';

const seed = 77;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * float32 values with zeros, signed zeros and subnormals mixed in. Their minimum is small next to their maximum (as after
 * a ReLU): then the thresholds `min + (k - 0.5) * scale` round, which is where a division-based code would differ.
 */
const values = (n: number) =>
  fc.array(fc.oneof({ weight: 8, arbitrary: fc.float({ min: Math.fround(-0.05), max: 50, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(0, -0, 1e-40, -1e-40, 1, -1) }), {
    minLength: n,
    maxLength: n,
  });

/**
 * Replaces every third element by a code threshold of its channel's map, or a float32 step beside one: the values where
 * a division-based rounding and the specification's threshold count disagree. Only values strictly inside the range
 * replace elements that are not the range's ends, so a range taken from the data stays what it was.
 */
const withThresholds = (xs: readonly number[], channels: number, mode: QuantMode, ranges?: readonly { min: number; max: number }[]): number[] => {
  const f = Float32Array.from(xs);
  const own = Array.from({ length: channels }, (_, c) => ranges?.[c] ?? rangeOf(f, c, f.length, channels));
  const bits = new Uint32Array(f.buffer.slice(0));
  return Array.from(f, (x, i) => {
    const r = own[i % channels] as { min: number; max: number };
    if (i % 3 !== 0 || x === r.min || x === r.max) return x;
    const t = threshold(affineFor(r, mode), 1 + ((bits[(i * 7) % f.length] as number) % 255));
    const near = Math.fround(t * (1 + (((i / 3) % 3) - 1) * 2 ** -24));
    return near > r.min && near < r.max ? near : x;
  });
};

/** What SPEC.md says element i is, its channel being i % channels. */
const specFakeQuantized = (xs: readonly number[], channels: number, mode: QuantMode, ranges?: readonly { min: number; max: number }[]): number[] => {
  const params = Array.from({ length: channels }, (_, c) => affineFor(ranges?.[c] ?? rangeOf(Float32Array.from(xs), c, xs.length, channels), mode));
  return xs.map((x, i) => fakeQuantizeValue(params[i % channels] as (typeof params)[number], x));
};

describe('FakeQuantize8 on the cpu engine', () => {
  const mode = fc.constantFrom('asymmetric' as const, 'symmetric' as const);

  it('equals the specification bit for bit, per tensor and per channel, with its own or a given range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 12 }), mode, fc.boolean(), fc.integer(), (channels, rows, m, given, s) => {
        const ranges = given ? Array.from({ length: channels }, (_, c) => ({ min: -0.0123 * (c + 1), max: c + 3.7 })) : undefined;
        const xs = withThresholds(fc.sample(values(channels * rows), { seed: s, numRuns: 1 })[0] as number[], channels, m, ranges);
        const got = tf.tidy(() => {
          const x = tf.tensor2d(xs, [rows, channels]);
          const bounds = ranges === undefined ? tf.stack([tf.min(x, 0), tf.max(x, 0)], 1) : tf.tensor2d(ranges.map((r) => [r.min, r.max]));
          return fakeQuantize8(x, bounds as tf.Tensor2D, m).dataSync();
        });
        expect(Array.from(got)).toEqual(specFakeQuantized(Array.from(Float32Array.from(xs)), channels, m, ranges));
      }),
      { seed, numRuns: 80 },
    );
  });

  it.each(['conv2d', 'depthwise'] as const)('the %s weight helper quantizes per output channel like quantizeWeights', (kind) => {
    const shape: [number, number, number, number] = [3, 3, 2, 3];
    const w = Float32Array.from({ length: 54 }, (_, i) => Math.sin(i * 1.3) * (1 + (i % 3)));
    const channels = kind === 'conv2d' ? 3 : 6;
    for (const m of ['asymmetric', 'symmetric'] as const) {
      const got = tf.tidy(() => fakeQuantizeWeights(tf.tensor4d(w, shape), kind, m, true).dataSync());
      expect(Array.from(got)).toEqual(specFakeQuantized(Array.from(w), channels, m));
      const perTensor = tf.tidy(() => fakeQuantizeWeights(tf.tensor4d(w, shape), kind, m, false).dataSync());
      expect(Array.from(perTensor)).toEqual(specFakeQuantized(Array.from(w), 1, m));
    }
  });

  it('the activation helper gives the fake-quantized 0.0 that padding reads, exactly 0 when symmetric', () => {
    const x = tf.tensor4d([-1.5, 0.25, 2, 3.75], [1, 2, 2, 1]);
    for (const m of ['asymmetric', 'symmetric'] as const) {
      const { xq, pad } = fakeQuantizeActivations(x, m);
      expect(Array.from(pad.dataSync())).toEqual([fakeQuantizeValue(affineFor({ min: -1.5, max: 3.75 }, m), 0)]);
      if (m === 'symmetric') expect(pad.dataSync()[0]).toBe(0);
      tf.dispose([xq, pad]);
    }
    tf.dispose(x);
  });

  it('its gradient is straight through: dy to x, zero to the range', () => {
    const x = tf.tensor2d([0.3, -1.2, 2.5, 0.01, 7, -3], [3, 2]);
    const bounds = tf.tensor2d([[-1.2, 2.5], [-3, 7]]);
    const dy = tf.tensor2d([1, -2, 3, 0.5, -0.25, 4], [3, 2]);
    const [dx, db] = tf.grads((a: tf.Tensor, b: tf.Tensor) => fakeQuantize8(a, b as tf.Tensor2D, 'asymmetric'))([x, bounds], dy);
    expect(Array.from((dx as tf.Tensor).dataSync())).toEqual(Array.from(dy.dataSync()));
    expect(Array.from((db as tf.Tensor).dataSync())).toEqual([0, 0, 0, 0]);
    tf.dispose([x, bounds, dy, dx as tf.Tensor, db as tf.Tensor]);
  });

  it('rejects bounds that are not [channels, 2] with channels dividing the input', () => {
    const x = tf.zeros([2, 3]);
    expect(() => fakeQuantize8(x, tf.zeros([4, 2]) as tf.Tensor2D, 'asymmetric')).toThrow(/bounds must be \[channels, 2\]/);
    expect(() => fakeQuantize8(x, tf.zeros([3, 3]) as tf.Tensor2D, 'asymmetric')).toThrow(/bounds must be/);
    tf.dispose(x);
  });
});

describe('the cpu ApproxConv kernels equal the reference approxConvolve bit for bit', () => {
  const tables = sharedTables().filter((t) => ['mul8u_1JFF', 'mul8u_NGR', 'mul8u_DM1'].includes(t.name));

  it('has the tables', () => expect(tables.length).toBe(3));

  it('for random shapes, strides, dilations, paddings, modes, per-channel weights and recorded ranges', () => {
    fc.assert(
      fc.property(
        fc.record({
          kind: fc.constantFrom('conv2d' as const, 'depthwise' as const),
          h: fc.integer({ min: 3, max: 6 }),
          w: fc.integer({ min: 3, max: 6 }),
          c: fc.integer({ min: 1, max: 3 }),
          out: fc.integer({ min: 1, max: 3 }),
          k: fc.constantFrom(1, 3, 5),
          stride: fc.constantFrom(1, 2),
          dilation: fc.constantFrom(1, 2),
          pad: fc.constantFrom('same' as const, 'valid' as const),
          mode: fc.constantFrom('asymmetric' as const, 'symmetric' as const),
          perChannel: fc.boolean(),
          recorded: fc.boolean(),
          table: fc.integer({ min: 0, max: 2 }),
          data: fc.integer(),
        }).filter((p) => p.pad === 'same' || (p.k - 1) * p.dilation < Math.min(p.h, p.w)),
        (p) => {
          const xShape: [number, number, number, number] = [2, p.h, p.w, p.c];
          const fShape: [number, number, number, number] = [p.k, p.k, p.c, p.out];
          const g = geometryFor(p.kind, xShape, fShape, { strides: p.stride, dilations: p.dilation, pad: p.pad });
          const [xs, ws] = fc.sample(fc.tuple(values(xShape.reduce((a, b) => a * b)), values(fShape.reduce((a, b) => a * b))), { seed: p.data, numRuns: 1 })[0] as [number[], number[]];
          const inputRange = p.recorded ? { min: -0.0123, max: 31.5 } : undefined;
          const x = Float32Array.from(withThresholds(xs, 1, p.mode, inputRange && [inputRange]));
          const w = Float32Array.from(withThresholds(ws, p.perChannel ? g.outChannels : 1, p.mode));
          const table = tables[p.table] as (typeof tables)[number];
          const want = approxConvolve(g, x, w, table.products, { mode: p.mode, perChannelWeights: p.perChannel, inputRange }).output;
          const got = tf.tidy(() => {
            const op = p.kind === 'conv2d' ? conv2d : depthwiseConv2d;
            const approx = { table, quantization: p.mode, perChannelWeights: p.perChannel };
            const range = inputRange === undefined ? undefined : tf.tensor1d([inputRange.min, inputRange.max]);
            return op(tf.tensor4d(x, xShape), tf.tensor4d(w, fShape), { strides: p.stride, dilation: p.dilation, pad: p.pad, approx, ...(range ? { inputRange: range } : {}) }).dataSync();
          });
          expect(Array.from(got)).toEqual(Array.from(want));
        },
      ),
      { seed, numRuns: 60 },
    );
  });
});
