import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { geometryFor, type ConvGeometry, type ConvKind } from '@approx-darts/approx-conv';
import { exactTable } from '@approx-darts/multipliers';
import { affineFor, fakeQuantizeValue, quantizeWeights, dequantizeValue, rangeOf, type QuantMode } from '@approx-darts/quantization';
import { conv2d, declareDirectDilation, depthwiseConv2d, exactConv, type ConvOptions } from '@approx-darts/kernels';
import { registerNativeCpuKernels } from '@approx-darts/engine-cpu';
import { cpuNativeStatus, loadCpuNative } from '@approx-darts/cpu-native';
import { naiveConv, naiveConvVjp } from './naive-conv';
import { sharedTables } from './tables';

const exact = exactTable();

interface OpCase {
  readonly kind: ConvKind;
  readonly k: number;
  readonly stride: number;
  readonly dilation: number;
  readonly pad: 'same' | 'valid';
  readonly mode: QuantMode;
  readonly perChannel: boolean;
}

const cases: readonly OpCase[] = (['conv2d', 'depthwise'] as const).flatMap((kind) =>
  [1, 3, 5].flatMap((k) =>
    [1, 2].flatMap((stride) =>
      [1, 2].flatMap((dilation) =>
        (['same', 'valid'] as const).map((pad, i) => ({ kind, k, stride, dilation, pad, mode: i === 0 ? 'asymmetric' : 'symmetric', perChannel: (k + stride + dilation) % 2 === 0 }) as const),
      ),
    ),
  ),
);

const seeded = (seed: number) => {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
};

const setup = (cs: OpCase, seed: number) => {
  const rnd = seeded(seed);
  const c = 3;
  const size = (cs.k - 1) * cs.dilation + 3;
  const xShape = [2, size, size + 1, c] as [number, number, number, number];
  const fShape = [cs.k, cs.k, c, cs.kind === 'conv2d' ? 4 : 2] as [number, number, number, number];
  const x = Float32Array.from({ length: xShape.reduce((a, b) => a * b) }, () => rnd() + 0.3);
  const w = Float32Array.from({ length: fShape.reduce((a, b) => a * b) }, () => rnd() * 0.4);
  const g = geometryFor(cs.kind, xShape, fShape, { strides: cs.stride, dilations: cs.dilation, pad: cs.pad });
  return { x, w, xShape, fShape, g };
};

/** Host-side fake quantization with @approx-darts/quantization: the operands the approximate kernel really multiplies. */
const fakeQuantized = (g: ConvGeometry, x: Float32Array, w: Float32Array, mode: QuantMode, perChannel: boolean) => {
  const xp = affineFor(rangeOf(x), mode);
  const wq = quantizeWeights(w, g.outChannels, mode, perChannel);
  return {
    xq: Array.from(x, (v) => fakeQuantizeValue(xp, v)),
    wq: Array.from(wq.codes, (q, i) => dequantizeValue(wq.params[i % g.outChannels] ?? { scale: 1, min: 0 }, q)),
    pad: fakeQuantizeValue(xp, 0),
  };
};

const op = (kind: ConvKind) => (kind === 'conv2d' ? conv2d : depthwiseConv2d);
const close = (got: ArrayLike<number>, want: ArrayLike<number>, scale: number, rel: number) => {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs((got[i] as number) - (want[i] as number)));
  expect(worst).toBeLessThanOrEqual(rel * scale);
};
const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 1e-6);

const label = (cs: OpCase) => `${cs.kind} ${cs.k}x${cs.k} s${cs.stride} d${cs.dilation} ${cs.pad} ${cs.mode}${cs.perChannel ? ' per-channel' : ''}`;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('conformance: the tfjs ops', () => {
  it('the shared mul8u_1JFF table is the exact product table used here', () => {
    const shared = sharedTables().find((t) => t.name === 'mul8u_1JFF');
    expect(shared?.products).toEqual(exact.products);
  });

  for (const [i, cs] of cases.entries()) {
    it(`exact table = float conv of fake-quantized operands; STE gradients = exact conv gradients there: ${label(cs)}`, () => {
      const { x, w, xShape, fShape, g } = setup(cs, 1000 + i);
      const fq = fakeQuantized(g, x, w, cs.mode, cs.perChannel);
      const o: ConvOptions = { strides: cs.stride, dilation: cs.dilation, pad: cs.pad, approx: { table: exact, quantization: cs.mode, perChannelWeights: cs.perChannel } };
      const xt = tf.tensor4d(x, xShape);
      const wt = tf.tensor4d(w, fShape);
      const dyValues = Float32Array.from({ length: g.batch * g.outHeight * g.outWidth * g.outChannels }, seeded(7 + i));
      const dy = tf.tensor4d(dyValues, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
      const y = op(cs.kind)(xt, wt, o);
      const want = naiveConv(g, fq.xq, fq.wq, fq.pad);
      const magnitude = naiveConv(g, fq.xq.map(Math.abs), fq.wq.map(Math.abs), Math.abs(fq.pad));
      close(y.dataSync(), want, maxAbs(magnitude), 1e-5);

      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => op(cs.kind)(a as tf.Tensor4D, b as tf.Tensor4D, o))([xt, wt], dy);
      const vjp = naiveConvVjp(g, fq.xq, fq.wq, dyValues, fq.pad);
      close((dx as tf.Tensor).dataSync(), vjp.dx, maxAbs(vjp.dx), 1e-4);
      close((dw as tf.Tensor).dataSync(), vjp.dw, maxAbs(vjp.dw), 1e-4);
      tf.dispose([xt, wt, dy, y, dx as tf.Tensor, dw as tf.Tensor]);
    });
  }

  for (const [i, cs] of cases.filter((c) => c.mode === 'asymmetric').entries()) {
    it(`exact path (approx null): forward and gradients from the definition, any dilation: ${label(cs)}`, () => {
      const { x, w, xShape, fShape, g } = setup(cs, 2000 + i);
      const xt = tf.tensor4d(x, xShape);
      const wt = tf.tensor4d(w, fShape);
      const dyValues = Float32Array.from({ length: g.batch * g.outHeight * g.outWidth * g.outChannels }, seeded(9 + i));
      const dy = tf.tensor4d(dyValues, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
      const o: ConvOptions = { strides: cs.stride, dilation: cs.dilation, pad: cs.pad, approx: null };
      const y = op(cs.kind)(xt, wt, o);
      close(y.dataSync(), naiveConv(g, x, w), maxAbs(naiveConv(g, x.map(Math.abs), w.map(Math.abs))), 1e-5);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => op(cs.kind)(a as tf.Tensor4D, b as tf.Tensor4D, o))([xt, wt], dy);
      const vjp = naiveConvVjp(g, x, w, dyValues);
      close((dx as tf.Tensor).dataSync(), vjp.dx, maxAbs(vjp.dx), 1e-4);
      close((dw as tf.Tensor).dataSync(), vjp.dw, maxAbs(vjp.dw), 1e-4);
      tf.dispose([xt, wt, dy, y, dx as tf.Tensor, dw as tf.Tensor]);
    });
  }

  it('dilation-2 exact gradients agree with central finite differences', () => {
    const cs: OpCase = { kind: 'depthwise', k: 3, stride: 2, dilation: 2, pad: 'same', mode: 'asymmetric', perChannel: false };
    for (const kind of ['conv2d', 'depthwise'] as const)
      for (const stride of [1, 2]) {
        const { x, w, xShape, fShape } = setup({ ...cs, kind, stride }, 31 + stride);
        const loss = (xv: Float32Array, wv: Float32Array) =>
          tf.tidy(() => tf.sum(tf.square(exactConv(kind, tf.tensor4d(xv, xShape), tf.tensor4d(wv, fShape), { strides: stride, dilation: 2, pad: 'same' }))).dataSync()[0] as number);
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(exactConv(kind, a as tf.Tensor4D, b as tf.Tensor4D, { strides: stride, dilation: 2, pad: 'same' }))))([
          tf.tensor4d(x, xShape),
          tf.tensor4d(w, fShape),
        ]);
        const gx = (dx as tf.Tensor).dataSync();
        const gw = (dw as tf.Tensor).dataSync();
        const h = 1e-2;
        for (const [values, grad, which] of [[x, gx, 'x'], [w, gw, 'w']] as const)
          for (const j of [0, 7, Math.floor(values.length / 2), values.length - 1]) {
            const plus = Float32Array.from(values);
            const minus = Float32Array.from(values);
            plus[j] = (plus[j] as number) + h;
            minus[j] = (minus[j] as number) - h;
            const fd = which === 'x' ? (loss(plus, w) - loss(minus, w)) / (2 * h) : (loss(x, plus) - loss(x, minus)) / (2 * h);
            expect(Math.abs((grad[j] as number) - fd)).toBeLessThanOrEqual(2e-2 * Math.max(1, Math.abs(fd)));
          }
        tf.dispose([dx as tf.Tensor, dw as tf.Tensor]);
      }
  });

  it('no NaN on degenerate ranges (constant input, constant weights), forward and backward, every mode', () => {
    for (const kind of ['conv2d', 'depthwise'] as const)
      for (const quantization of ['asymmetric', 'symmetric'] as const)
        for (const value of [0, 0.5]) {
          const xt = tf.fill([1, 5, 5, 2], value) as tf.Tensor4D;
          const wt = tf.fill([3, 3, 2, 2], 0.25) as tf.Tensor4D;
          const o: ConvOptions = { strides: 1, dilation: 2, pad: 'same', approx: { table: exact, quantization, perChannelWeights: true } };
          const [y, grads] = [op(kind)(xt, wt, o), tf.grads((a: tf.Tensor, b: tf.Tensor) => op(kind)(a as tf.Tensor4D, b as tf.Tensor4D, o))([xt, wt])];
          for (const t of [y, ...grads]) expect(Array.from(t.dataSync()).every(Number.isFinite)).toBe(true);
          tf.dispose([xt, wt, y, ...grads]);
        }
  });

  it('a recorded input range is used instead of the batch range', () => {
    const xt = tf.tensor4d([0.1, 0.2, 0.3, 0.4], [1, 2, 2, 1]);
    const wt = tf.tensor4d([1], [1, 1, 1, 1]);
    const narrow = conv2d(xt, wt, { strides: 1, dilation: 1, pad: 'valid', approx: { table: exact, quantization: 'asymmetric', perChannelWeights: false }, inputRange: tf.tensor1d([0, 0.25]) });
    // Values above the recorded max clamp to it (0.25, give or take the weight's quantization).
    expect(narrow.dataSync()[3]).toBeCloseTo(0.25, 2);
    tf.dispose([xt, wt, narrow]);
  });

  it('rejects bad shapes eagerly with a message', () => {
    const xt = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    const wt = tf.zeros([3, 3, 2, 8]) as tf.Tensor4D;
    expect(() => conv2d(xt, wt, { strides: 1, dilation: 1, pad: 'same', approx: { table: exact, quantization: 'asymmetric', perChannelWeights: false } })).toThrow(/conv2d: filter input channels/);
    tf.dispose([xt, wt]);
  });

  it('tf.memory().numTensors does not grow across 100 forward+backward calls', () => {
    const xt = tf.randomNormal([2, 6, 6, 3]) as tf.Tensor4D;
    const wt = tf.randomNormal([3, 3, 3, 1]) as tf.Tensor4D;
    const o: ConvOptions = { strides: 1, dilation: 2, pad: 'same', approx: { table: exact, quantization: 'asymmetric', perChannelWeights: true } };
    const step = () =>
      tf.tidy(() => {
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, o)))([xt, wt]);
        return tf.add(tf.sum(dx as tf.Tensor), tf.sum(dw as tf.Tensor)).dataSync();
      });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) step();
    const pointwise = tf.ones([1, 1, 3, 2]) as tf.Tensor4D;
    const inference = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) tf.dispose(conv2d(xt, pointwise, { ...o, dilation: 1 }));
    expect(tf.memory().numTensors).toBe(inference);
    expect(inference).toBe(before + 1);
    tf.dispose([xt, wt, pointwise]);
  });
});

// The same definitions on the native cpu kernels, where a dilated depthwise convolution is one kernel each way
// (libs/kernels/src/direct-dilation.ts) rather than the composition checked above: forward and gradients of the
// exact path, and the straight-through gradients of the approximate one, which reach the same backprops.
// Registered only when this block starts, so that the blocks above run on tfjs's own kernels.
const nativeBuilt = loadCpuNative().ok;
if (!nativeBuilt) console.warn(`skipped: dilated depthwise convolutions on the native kernels: ${cpuNativeStatus().detail}`);

describe.skipIf(!nativeBuilt)('conformance: dilated depthwise convolutions, one native kernel each way', () => {
  beforeAll(() => {
    expect(registerNativeCpuKernels().native).toBe(true);
    declareDirectDilation('cpu');
  });

  for (const [i, cs] of cases.filter((c) => c.kind === 'depthwise' && c.dilation > 1).entries())
    it(`forward and gradients, exact and straight-through, from the definition: ${label(cs)}`, () => {
      const { x, w, xShape, fShape, g } = setup(cs, 3000 + i);
      const xt = tf.tensor4d(x, xShape);
      const wt = tf.tensor4d(w, fShape);
      const dyValues = Float32Array.from({ length: g.batch * g.outHeight * g.outWidth * g.outChannels }, seeded(11 + i));
      const dy = tf.tensor4d(dyValues, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
      const fq = fakeQuantized(g, x, w, cs.mode, cs.perChannel);
      for (const approx of [null, { table: exact, quantization: cs.mode, perChannelWeights: cs.perChannel }]) {
        const [xd, wd, pad] = approx === null ? [x, w, 0] : [fq.xq, fq.wq, fq.pad];
        const o: ConvOptions = { strides: cs.stride, dilation: cs.dilation, pad: cs.pad, approx };
        const y = depthwiseConv2d(xt, wt, o);
        close(y.dataSync(), naiveConv(g, xd, wd, pad), maxAbs(naiveConv(g, xd.map(Math.abs), wd.map(Math.abs), Math.abs(pad))), 1e-5);
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, o))([xt, wt], dy);
        const vjp = naiveConvVjp(g, xd, wd, dyValues, pad);
        close((dx as tf.Tensor).dataSync(), vjp.dx, maxAbs(vjp.dx), 1e-4);
        close((dw as tf.Tensor).dataSync(), vjp.dw, maxAbs(vjp.dw), 1e-4);
        tf.dispose([y, dx as tf.Tensor, dw as tf.Tensor]);
      }
      tf.dispose([xt, wt, dy]);
    });
});
