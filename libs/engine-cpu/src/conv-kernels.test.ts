import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { fc, test } from '@fast-check/vitest';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastKernel } from './fast-kernel';
import { convKernels } from './conv-kernels';

// Each fast conv kernel against tfjs-backend-cpu's original on random NHWC problems: strides 1/2, kernels 1/3/5,
// 'same'/'valid'/numeric/explicit padding, odd sizes, channel multipliers. Summation order differs, so values are
// compared with a float32-level tolerance relative to the output's scale.

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

interface Problem {
  readonly batch: number;
  readonly h: number;
  readonly w: number;
  readonly cin: number;
  readonly cout: number; // output channels (conv) or channel multiplier (depthwise)
  readonly k: number;
  readonly kw: number;
  readonly stride: number;
  readonly pad: Pad;
  readonly rounding: 'floor' | 'round' | 'ceil' | undefined;
}

const padArb: fc.Arbitrary<Pad> = fc.oneof(
  fc.constantFrom<Pad>('same', 'valid'),
  fc.integer({ min: 0, max: 2 }),
  fc
    .tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2))
    .map(([t, b, l, r]): Pad => [[0, 0], [t, b], [l, r], [0, 0]]),
);

const problemArb = (maxCout: number): fc.Arbitrary<Problem> =>
  fc
    .record({
      batch: fc.integer({ min: 1, max: 4 }),
      h: fc.integer({ min: 1, max: 9 }),
      w: fc.integer({ min: 1, max: 9 }),
      cin: fc.integer({ min: 1, max: 6 }),
      cout: fc.integer({ min: 1, max: maxCout }),
      k: fc.constantFrom(1, 3, 5),
      kw: fc.constantFrom(1, 3, 5),
      stride: fc.constantFrom(1, 2),
      pad: padArb,
      rounding: fc.constantFrom<'floor' | 'round' | 'ceil' | undefined>(undefined, 'floor', 'ceil', 'round'),
    })
    // 'valid' needs the filter to fit; a rounding mode is only accepted with a numeric pad.
    .filter((p) => p.pad !== 'valid' || (p.k <= p.h && p.kw <= p.w))
    .map((p) => ({ ...p, rounding: typeof p.pad === 'number' ? p.rounding : undefined }))
    .filter((p) => {
      const i = info(p, false);
      return i.outHeight > 0 && i.outWidth > 0;
    });

const info = (p: Problem, depthwise: boolean): tf.backend_util.Conv2DInfo =>
  tf.backend_util.computeConv2DInfo(
    [p.batch, p.h, p.w, p.cin],
    [p.k, p.kw, p.cin, p.cout],
    p.stride,
    1,
    p.pad,
    p.rounding,
    depthwise,
    'channelsLast',
  );

interface Case {
  readonly inputs: Record<string, tf.Tensor>;
  readonly attrs: tf.NamedAttrMap;
}

const rand = (shape: readonly number[], seed: number): tf.Tensor => tf.randomUniform([...shape], -1, 1, 'float32', seed);

const convAttrs = (p: Problem): tf.NamedAttrMap => ({
  strides: [p.stride, p.stride],
  pad: p.pad as unknown as tf.NamedAttrMap[string],
  dimRoundingMode: p.rounding as unknown as tf.NamedAttrMap[string],
});

/** How each kernel's inputs and attrs are built from a problem, mirroring what tfjs-core's ops and gradients pass. */
const cases: Record<string, { depthwise: boolean; make: (p: Problem, i: tf.backend_util.Conv2DInfo, seed: number) => Case }> = {
  [tf.Conv2DBackpropFilter]: {
    depthwise: false,
    make: (p, i, s) => ({
      inputs: { x: rand([p.batch, p.h, p.w, p.cin], s), dy: rand(i.outShape, s + 1) },
      attrs: { ...convAttrs(p), dataFormat: 'NHWC', filterShape: [p.k, p.kw, p.cin, p.cout] },
    }),
  },
  [tf.Conv2DBackpropInput]: {
    depthwise: false,
    make: (p, i, s) => ({
      inputs: { dy: rand(i.outShape, s), filter: rand([p.k, p.kw, p.cin, p.cout], s + 1) },
      attrs: { ...convAttrs(p), dataFormat: 'NHWC', inputShape: [p.batch, p.h, p.w, p.cin] },
    }),
  },
  [tf.DepthwiseConv2dNative]: {
    depthwise: true,
    make: (p, _i, s) => ({
      inputs: { x: rand([p.batch, p.h, p.w, p.cin], s), filter: rand([p.k, p.kw, p.cin, p.cout], s + 1) },
      attrs: { ...convAttrs(p), dilations: [1, 1] },
    }),
  },
  [tf.DepthwiseConv2dNativeBackpropFilter]: {
    depthwise: true,
    make: (p, i, s) => ({
      inputs: { x: rand([p.batch, p.h, p.w, p.cin], s), dy: rand(i.outShape, s + 1) },
      attrs: { ...convAttrs(p), dilations: [1, 1], filterShape: [p.k, p.kw, p.cin, p.cout] },
    }),
  },
  [tf.DepthwiseConv2dNativeBackpropInput]: {
    depthwise: true,
    make: (p, i, s) => ({
      inputs: { dy: rand(i.outShape, s), filter: rand([p.k, p.kw, p.cin, p.cout], s + 1) },
      attrs: { ...convAttrs(p), dilations: [1, 1], inputShape: [p.batch, p.h, p.w, p.cin] },
    }),
  },
};

const run = (f: tf.KernelFunc, c: Case): { shape: number[]; values: Float32Array } => {
  const out = f({ inputs: c.inputs, backend: tf.backend(), attrs: c.attrs }) as tf.TensorInfo;
  const t = tf.engine().makeTensorFromTensorInfo(out);
  const r = { shape: [...t.shape], values: t.dataSync() as Float32Array };
  t.dispose();
  return r;
};

const expectClose = (fast: { shape: number[]; values: Float32Array }, ref: { shape: number[]; values: Float32Array }): void => {
  expect(fast.shape).toEqual(ref.shape);
  const scale = ref.values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  for (let i = 0; i < ref.values.length; i++) {
    const a = fast.values[i] as number;
    const b = ref.values[i] as number;
    if (!(Math.abs(a - b) <= 1e-5 * Math.abs(b) + 1e-5 * scale)) expect.fail(`element ${i}: fast ${a} vs tfjs ${b}`);
  }
};

const originals = new Map<string, tf.KernelFunc>();

beforeAll(async () => {
  await tf.setBackend('cpu');
  for (const k of convKernels) {
    const original = tf.getKernel(k.kernelName, 'cpu')?.kernelFunc;
    // An anonymous function here would mean the fast kernels were already registered in this process.
    if (original === undefined || original.name === '') throw new Error(`no original tfjs kernel for ${k.kernelName}`);
    originals.set(k.kernelName, original);
  }
});

const kernelOf = (name: string): FastKernel => {
  const k = convKernels.find((c) => c.kernelName === name);
  if (k === undefined) throw new Error(`no fast kernel ${name}`);
  return k;
};

describe.each(Object.keys(cases))('fast %s', (name) => {
  const spec = cases[name] as (typeof cases)[string];
  const maxCout = spec.depthwise ? 3 : 6;

  test.prop([problemArb(maxCout), fc.nat(1000)], { numRuns: 80 })('matches tfjs-backend-cpu', (p, seed) => {
    const original = originals.get(name) as tf.KernelFunc;
    const c = spec.make(p, info(p, spec.depthwise), seed);
    expectClose(run(kernelOf(name).make(original), c), run(original, c));
    tf.dispose(Object.values(c.inputs));
  });

  it('matches tfjs on a DARTS-sized problem (batch 2, 16x16, 8 channels, 3x3 same)', () => {
    const original = originals.get(name) as tf.KernelFunc;
    const p: Problem = { batch: 2, h: 16, w: 16, cin: 8, cout: spec.depthwise ? 1 : 8, k: 3, kw: 3, stride: 1, pad: 'same', rounding: undefined };
    const c = spec.make(p, info(p, spec.depthwise), 7);
    expectClose(run(kernelOf(name).make(original), c), run(original, c));
    tf.dispose(Object.values(c.inputs));
  });
});

describe('fallback to the tfjs kernel', () => {
  it('hands dilated depthwise problems to the original', () => {
    const original = vi.fn(originals.get(tf.DepthwiseConv2dNative) as tf.KernelFunc);
    const x = rand([1, 6, 6, 2], 1);
    const filter = rand([3, 3, 2, 1], 2);
    const attrs = { strides: [1, 1], pad: 'same', dilations: [2, 2] };
    const out = kernelOf(tf.DepthwiseConv2dNative).make(original)({ inputs: { x, filter }, backend: tf.backend(), attrs }) as tf.TensorInfo;
    expect(original).toHaveBeenCalledTimes(1);
    tf.engine().makeTensorFromTensorInfo(out).dispose();
    tf.dispose([x, filter]);
  });

  it('hands NCHW and non-float32 problems to the original', () => {
    const original = vi.fn((() => ({ dataId: {}, shape: [], dtype: 'float32' })) as tf.KernelFunc);
    const fast = kernelOf(tf.Conv2DBackpropFilter).make(original);
    const x = rand([1, 2, 4, 4], 1);
    const dy = rand([1, 2, 4, 4], 2);
    fast({ inputs: { x, dy }, backend: tf.backend(), attrs: { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [1, 1, 2, 2] } });
    const xi = tf.zeros([1, 4, 4, 2], 'int32');
    fast({ inputs: { x: xi, dy }, backend: tf.backend(), attrs: { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [1, 1, 2, 2] } });
    expect(original).toHaveBeenCalledTimes(2);
    tf.dispose([x, dy, xi]);
  });
});
