import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { geometryFor, referenceAccumulate, type ConvGeometry } from '@approx-darts/approx-conv';
import { destroyGpuJs } from '@approx-darts/kernels/testing';

import { implementations } from './implementations';
import { sharedTables } from './tables';

const tables = sharedTables();

interface Case {
  readonly g: ConvGeometry;
  readonly x: Uint8Array;
  readonly w: Uint8Array;
  readonly padCode: number;
}

// Every combination the DARTS cells use, on small random shapes: kinds x kernel sizes x strides x dilations x paddings.
const cases: readonly Case[] = (() => {
  const out: Case[] = [];
  const rnd = fc.sample(fc.integer({ min: 0, max: 0xffffffff }), { seed: 42, numRuns: 2000 });
  let r = 0;
  const next = (n: number) => (rnd[r++ % rnd.length] as number) % n;
  for (const kind of ['conv2d', 'depthwise'] as const)
    for (const k of [1, 3, 5])
      for (const stride of [1, 2])
        for (const dilation of [1, 2])
          for (const pad of ['same', 'valid'] as const) {
            const span = (k - 1) * dilation + 1;
            const h = span + next(3);
            const wd = span + next(3);
            const c = 1 + next(3);
            const last = kind === 'conv2d' ? 1 + next(3) : 1 + next(2);
            const g = geometryFor(kind, [1 + next(2), h, wd, c], [k, k, c, last], { strides: stride, dilations: dilation, pad });
            const x = Uint8Array.from({ length: g.batch * h * wd * c }, () => next(256));
            const w = Uint8Array.from({ length: k * k * c * last }, () => next(256));
            out.push({ g, x, w, padCode: next(256) });
          }
  // Reductions longer than the 257 terms a 16-bit plane sum of the byte-shuffle path holds (taps x channels = 261,
  // 300, 550), and images of more than one 64-pixel tile, with a partial last tile.
  for (const [kind, k, c, last, h, stride] of [
    ['conv2d', 3, 29, 3, 5, 1],
    ['conv2d', 1, 300, 2, 4, 1],
    ['conv2d', 5, 22, 2, 6, 2],
    ['depthwise', 3, 3, 2, 13, 1],
    ['depthwise', 5, 2, 1, 19, 2],
  ] as const) {
    const g = geometryFor(kind, [2, h, h + 1, c], [k, k, c, last], { strides: stride, dilations: 1, pad: 'same' });
    const x = Uint8Array.from({ length: g.batch * g.inHeight * g.inWidth * c }, () => 192 + next(64));
    const w = Uint8Array.from({ length: k * k * (kind === 'depthwise' ? 1 : c) * g.outChannels }, () => 192 + next(64));
    out.push({ g, x, w, padCode: 255 - next(4) });
  }
  return out;
})();

const label = (g: ConvGeometry) =>
  `${g.kind} ${g.filterHeight}x${g.filterWidth} s${g.strideHeight} d${g.dilationHeight} pad(${g.padTop},${g.padLeft}) in ${g.batch}x${g.inHeight}x${g.inWidth}x${g.inChannels} out ${g.outChannels}`;

afterAll(() => destroyGpuJs());

describe('conformance: integer accumulations equal referenceAccumulate', () => {
  it('has the 40 shared tables to test with', () => {
    expect(tables.length).toBe(40);
  });

  // The reference once per (case, table); every implementation is compared against it.
  const expected = cases.map((cs) => tables.map((t) => referenceAccumulate(cs.g, cs.x, cs.w, cs.padCode, t.products)));

  for (const impl of implementations) {
    describe(impl.name, () => {
      // Each implementation is probed when its suite starts (the webgpu ones select their table layout then).
      let reason: string | undefined;
      beforeAll(async () => {
        reason = await impl.unavailable();
        if (reason !== undefined) console.warn(`skipped: conformance of ${impl.name}: ${reason}`);
      });
      cases.forEach((cs, ci) =>
        it(`${label(cs.g)}, all tables`, async (ctx) => {
          if (reason !== undefined) return ctx.skip();
          for (const [ti, t] of tables.entries()) {
            const got = await impl.accumulate(cs.g, cs.x, cs.w, cs.padCode, t.products);
            const want = expected[ci]?.[ti] as Int32Array;
            // One assertion per table, named, without printing 1000-element arrays on success.
            if (!got.every((v, i) => v === want[i]) || got.length !== want.length) expect({ table: t.name, got: Array.from(got) }).toEqual({ table: t.name, got: Array.from(want) });
          }
        }),
      );
    });
  }
});
