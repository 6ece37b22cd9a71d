import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { fc, test } from '@fast-check/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FastKernel } from './fast-kernel';
import { addKernel, multiplyKernel, realDivKernel, subKernel } from './float32-binary';
import { sliceKernel } from './slice';
import { padV2Kernel } from './pad-v2';
import { splitVKernel } from './split-v';
import { meanKernel, sumKernel } from './sum-mean';
import { maxPoolGradKernel } from './max-pool-grad';
import { avgPoolGradKernel } from './avg-pool-grad';
import { spaceToBatchNDKernel } from './space-to-batch-nd';
import { batchToSpaceNDKernel } from './batch-to-space-nd';

// Each fast kernel against tfjs-backend-cpu's ORIGINAL kernel (taken from the registry; this file never replaces
// it) on random shapes and attributes. Elementwise results must match bit for bit; reductions and gradients sum in
// a different order and are compared with a float32-level tolerance. AvgPoolGrad is instead checked to be the adjoint
// of tfjs's forward AvgPool, which tfjs's own AvgPoolGrad is not at 'same' borders.

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const originalOf = (k: FastKernel): tf.KernelFunc => {
  const cfg = tf.getKernel(k.kernelName, 'cpu');
  if (cfg === undefined) throw new Error(`no cpu kernel ${k.kernelName}`);
  return cfg.kernelFunc;
};

type Attrs = Record<string, unknown>;

/** Runs `fast` and tfjs's original on the same inputs; returns both outputs' shapes, dtypes and values. */
const both = (k: FastKernel, inputs: Record<string, tf.Tensor>, attrs: Attrs = {}) => {
  const original = originalOf(k);
  const call = (f: tf.KernelFunc) => {
    const r = f({ inputs, backend: tf.backend(), attrs: attrs as tf.NamedAttrMap });
    return (Array.isArray(r) ? r : [r]).map((info) => {
      const t = tf.engine().makeTensorFromTensorInfo(info);
      const v = { shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync() as Float32Array) };
      t.dispose();
      return v;
    });
  };
  return { fast: call(k.make(original)), orig: call(original) };
};

const expectClose = (a: readonly number[], b: readonly number[]): void => {
  expect(a.length).toBe(b.length);
  const scale = Math.max(1e-6, ...b.map(Math.abs));
  a.forEach((v, i) => {
    const w = b[i] ?? NaN;
    if (Math.abs(v - w) > 1e-5 * scale + 1e-5 * Math.abs(w)) expect(v).toBeCloseTo(w, 5);
  });
};

const rand = (shape: readonly number[], seed: number, dtype: 'float32' | 'int32' = 'float32'): tf.Tensor =>
  dtype === 'int32'
    ? tf.randomUniform([...shape], -5, 5, 'int32', seed)
    : tf.randomUniform([...shape], -2, 2, 'float32', seed);

const dimArb = fc.integer({ min: 1, max: 6 });
const shape4Arb = fc.tuple(dimArb, dimArb, dimArb, dimArb);

describe('binary float32 kernels', () => {
  const kernels = [addKernel, subKernel, multiplyKernel, realDivKernel];
  // Shapes of the second operand relative to a 4-d first one: same, scalar, [1], [C], [1,1,1,C], [N,1,1,C], and shapes
  // the fast path does not handle (which must still fall back correctly).
  const otherArb = fc.constantFrom('same', 'scalar', 'one', 'c', '111c', 'n11c', 'n111', 'h1c');
  const otherShape = (s: readonly number[], kind: string): number[] => {
    const [n = 1, h = 1, , c = 1] = s;
    return ({ same: [...s], scalar: [], one: [1], c: [c], '111c': [1, 1, 1, c], n11c: [n, 1, 1, c], n111: [n, 1, 1, 1], h1c: [h, 1, c] } as Record<string, number[]>)[kind] ?? [];
  };

  test.prop([fc.constantFrom(...kernels), shape4Arb, otherArb, fc.boolean(), fc.nat()], { numRuns: 150 })(
    'match tfjs bit for bit, either operand order',
    (k, s, kind, swap, seed) => {
      const x = rand(s, seed), y = rand(otherShape(s, kind), seed + 1);
      const { fast, orig } = both(k, swap ? { a: y, b: x } : { a: x, b: y });
      expect(fast).toEqual(orig);
      tf.dispose([x, y]);
    },
  );

  it('leaves int32 and mixed dtypes to tfjs', () => {
    const x = rand([2, 3], 1, 'int32'), y = rand([3], 2, 'int32'), z = rand([2, 3], 3);
    for (const k of kernels) {
      const a = both(k, { a: x, b: y }), b = both(k, { a: x, b: z });
      expect(a.fast).toEqual(a.orig);
      expect(b.fast).toEqual(b.orig);
    }
    tf.dispose([x, y, z]);
  });
});

describe('Slice / PadV2 / SplitV', () => {
  const boxArb = fc.array(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.nat(4), fc.nat(4)), { minLength: 1, maxLength: 6 });

  test.prop([boxArb, fc.constantFrom<'float32' | 'int32'>('float32', 'int32'), fc.nat()], { numRuns: 150 })(
    'Slice matches tfjs for any box (with -1 sizes)',
    (dims, dtype, seed) => {
      // dims: [extent, begin offset, trailing margin] per axis.
      const shape = dims.map(([e, b, m]) => e + b + m);
      const x = rand(shape, seed, dtype);
      const begin = dims.map(([, b]) => b);
      const size = dims.map(([e, , m], i) => (m === 0 && i % 2 === 0 ? -1 : e));
      const { fast, orig } = both(sliceKernel, { x }, { begin, size });
      expect(fast).toEqual(orig);
      x.dispose();
    },
  );

  test.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.nat(3), fc.nat(3)), { minLength: 1, maxLength: 5 }),
    fc.constantFrom(0, 1.5, -Infinity), fc.nat()], { numRuns: 150 })(
    'PadV2 matches tfjs, including empty inputs and non-zero fill',
    (dims, constantValue, seed) => {
      const x = rand(dims.map(([e]) => e), seed);
      const { fast, orig } = both(padV2Kernel, { x }, { paddings: dims.map(([, a, b]) => [a, b]), constantValue });
      expect(fast).toEqual(orig);
      x.dispose();
    },
  );

  test.prop([shape4Arb, fc.nat(3), fc.integer({ min: 1, max: 3 }), fc.nat()], { numRuns: 80 })(
    'SplitV matches tfjs on every axis',
    (s, axis, parts, seed) => {
      const shape = s.map((d, i) => (i === axis ? d * parts : d));
      const x = rand(shape, seed);
      const { fast, orig } = both(splitVKernel, { x }, { numOrSizeSplits: parts, axis });
      expect(fast).toEqual(orig);
      x.dispose();
    },
  );
});

describe('Sum / Mean', () => {
  test.prop([fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(4), { maxLength: 4 }),
    fc.boolean(), fc.constantFrom(sumKernel, meanKernel), fc.nat()], { numRuns: 200 })(
    'match tfjs for any axes (blocked or not) and keepDims',
    (shape, rawAxes, keepDims, k, seed) => {
      const axes = [...new Set(rawAxes.filter((a) => a < shape.length))];
      const x = rand(shape, seed);
      const { fast, orig } = both(k, { x }, { axis: axes, keepDims });
      expect(fast.map((o) => o.shape)).toEqual(orig.map((o) => o.shape));
      expectClose(fast[0]?.values ?? [], orig[0]?.values ?? []);
      x.dispose();
    },
  );

  it('reduces NHWC over [0,1,2] per channel like tfjs', () => {
    const x = rand([8, 16, 16, 16], 7);
    for (const k of [sumKernel, meanKernel]) {
      const { fast, orig } = both(k, { x }, { axis: [0, 1, 2], keepDims: false });
      expect(fast[0]?.shape).toEqual([16]);
      expectClose(fast[0]?.values ?? [], orig[0]?.values ?? []);
    }
    x.dispose();
  });
});

const poolArb = fc.record({
  n: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 9 }), w: fc.integer({ min: 1, max: 9 }),
  c: fc.integer({ min: 1, max: 5 }), k: fc.constantFrom(1, 2, 3, 5), s: fc.constantFrom(1, 2, 3),
  pad: fc.constantFrom<'same' | 'valid'>('same', 'valid'),
}).filter((p) => p.pad === 'same' || (p.k <= p.h && p.k <= p.w));

describe('MaxPoolGrad', () => {
  test.prop([poolArb, fc.boolean(), fc.nat()], { numRuns: 120 })(
    'matches tfjs, including ties (small-integer inputs)',
    (p, ties, seed) => {
      const x = ties ? tf.cast(tf.randomUniform([p.n, p.h, p.w, p.c], 0, 3, 'int32', seed), 'float32') : rand([p.n, p.h, p.w, p.c], seed);
      const y = tf.maxPool(x as tf.Tensor4D, p.k, p.s, p.pad);
      const dy = rand(y.shape, seed + 1);
      const { fast, orig } = both(maxPoolGradKernel, { dy, input: x, output: y }, { filterSize: p.k, strides: p.s, pad: p.pad });
      expect(fast[0]?.shape).toEqual(orig[0]?.shape);
      expectClose(fast[0]?.values ?? [], orig[0]?.values ?? []);
      tf.dispose([x, y, dy]);
    },
  );
});

describe('AvgPoolGrad', () => {
  const dot = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.sum(tf.mul(a, b)).dataSync()[0] ?? NaN);
  const gradOf = (f: tf.KernelFunc, dy: tf.Tensor, x: tf.Tensor, p: { k: number; s: number; pad: 'same' | 'valid' }): tf.Tensor =>
    tf.engine().makeTensorFromTensorInfo(
      f({ inputs: { dy, input: x }, backend: tf.backend(), attrs: { filterSize: p.k, strides: p.s, pad: p.pad } }) as tf.TensorInfo);

  test.prop([poolArb, fc.nat()], { numRuns: 120 })(
    'is the adjoint of tfjs AvgPool: <AvgPool(x), g> = <x, AvgPoolGrad(g)>',
    (p, seed) => {
      const x = rand([p.n, p.h, p.w, p.c], seed);
      const y = tf.avgPool(x as tf.Tensor4D, p.k, p.s, p.pad);
      const g = rand(y.shape, seed + 1);
      const dx = gradOf(avgPoolGradKernel.make(originalOf(avgPoolGradKernel)), g, x, p);
      const lhs = dot(y, g), rhs = dot(x, dx);
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * (1 + Math.abs(lhs)));
      tf.dispose([x, y, g, dx]);
    },
  );

  it('agrees with tfjs where no window touches padding (valid), and differs at same-padded borders where tfjs is wrong', () => {
    const p = { k: 3, s: 1, pad: 'valid' as const };
    const x = rand([2, 6, 6, 3], 3), g = rand([2, 4, 4, 3], 4);
    const fastGrad = avgPoolGradKernel.make(originalOf(avgPoolGradKernel));
    const [a, b] = [gradOf(fastGrad, g, x, p), gradOf(originalOf(avgPoolGradKernel), g, x, p)];
    expectClose(Array.from(a.dataSync()), Array.from(b.dataSync()));
    // 'same': tfjs divides border windows by 9 instead of their real pixel count, so it fails the adjoint identity.
    const q = { k: 3, s: 1, pad: 'same' as const };
    const gs = rand([2, 6, 6, 3], 5), y = tf.avgPool(x as tf.Tensor4D, 3, 1, 'same');
    const tfjsDx = gradOf(originalOf(avgPoolGradKernel), gs, x, q), ourDx = gradOf(fastGrad, gs, x, q);
    const lhs = dot(y, gs);
    expect(Math.abs(lhs - dot(x, ourDx))).toBeLessThan(1e-4 * (1 + Math.abs(lhs)));
    expect(Math.abs(lhs - dot(x, tfjsDx))).toBeGreaterThan(1e-2);
    tf.dispose([x, g, a, b, gs, y, tfjsDx, ourDx]);
  });
});

describe('SpaceToBatchND', () => {
  test.prop([shape4Arb, fc.constantFrom(1, 2, 3), fc.constantFrom(1, 2), fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3), fc.nat(3)), fc.nat()],
    { numRuns: 100 })(
    'matches tfjs for 2-d blocks with padding',
    (s, bh, bw, [pt, pb, pl, pr], seed) => {
      // Bottom/right padding chosen so the padded size divides by the block.
      const padB = pb + ((bh - ((s[1] + pt + pb) % bh)) % bh), padR = pr + ((bw - ((s[2] + pl + pr) % bw)) % bw);
      const x = rand(s, seed);
      const { fast, orig } = both(spaceToBatchNDKernel, { x }, { blockShape: [bh, bw], paddings: [[pt, padB], [pl, padR]] });
      expect(fast).toEqual(orig);
      x.dispose();
    },
  );
});

describe('BatchToSpaceND', () => {
  test.prop([shape4Arb, fc.constantFrom(1, 2, 3), fc.constantFrom(1, 2), fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)), fc.nat()],
    { numRuns: 100 })(
    'matches tfjs for 2-d blocks with crops',
    (s, bh, bw, [ct, cb, cl, cr], seed) => {
      // The batch holds bh*bw blocks; crops are cut back so the output keeps at least one row and column.
      const shape: [number, number, number, number] = [s[0] * bh * bw, s[1], s[2], s[3]];
      const fit = (a: number, b: number, size: number): [number, number] => (a + b < size ? [a, b] : [0, 0]);
      const [t, b] = fit(ct, cb, s[1] * bh), [l, r] = fit(cl, cr, s[2] * bw);
      const x = rand(shape, seed);
      const { fast, orig } = both(batchToSpaceNDKernel, { x }, { blockShape: [bh, bw], crops: [[t, b], [l, r]] });
      expect(fast).toEqual(orig);
      x.dispose();
    },
  );
});
