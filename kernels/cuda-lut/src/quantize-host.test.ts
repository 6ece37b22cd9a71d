// The CUDA quantization (src/cuda/quantize.cuh) compiled for the host and compared with the TypeScript specification
// (@approx-darts/quantization, SPEC.md) bit for bit: scales and origins, codes on and beside every threshold,
// decoded values, and the dequantization. Runs wherever a C++17 compiler is (no GPU needed); bench/cuda then checks
// the GPU against this same host code.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { affineFor, bitsOf, dequantizeSum, dequantizeValue, fromBits, quantizeValue, threshold, type QuantMode, type QuantRange } from '@approx-darts/quantization';

const source = fileURLToPath(new URL('./cuda/quantize_host_check.cc', import.meta.url));
const compiler = ['g++', 'c++', 'clang++'].find((c) => spawnSync(c, ['--version']).status === 0);
const dir = mkdtempSync(join(tmpdir(), 'cuda-lut-quantize-'));
const binary = join(dir, 'quantize_host_check');
const built =
  compiler === undefined
    ? { ok: false, why: 'no C++ compiler (g++, c++, clang++) found' }
    : (() => {
        const r = spawnSync(compiler, ['-std=c++17', '-O2', '-ffp-contract=off', '-Wall', '-Wextra', '-Werror', '-o', binary, source], { encoding: 'utf8' });
        return { ok: r.status === 0, why: `${compiler} failed: ${r.stderr}` };
      })();
if (!built.ok) console.warn(`skipped: quantize.cuh host check: ${built.why}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the harness on a batch of commands; one output line per command. */
const harness = (commands: readonly string[]): string[] => {
  const r = spawnSync(binary, { input: `${commands.join('\n')}\n`, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`harness exited ${r.status}: ${r.stderr}`);
  return r.stdout.trim().split('\n');
};

const hex = (v: number): string => bitsOf(v).toString(16).padStart(8, '0');
const sym = (m: QuantMode): number => (m === 'symmetric' ? 1 : 0);
const modes: readonly QuantMode[] = ['asymmetric', 'symmetric'];
const seed = 4242;

// Ranges of every kind: ordinary, min small next to max (thresholds round), huge, tiny, degenerate, reversed,
// non-finite, subnormal ends, collapsed (width far below the magnitude).
const special = [0, -0, 1e-40, -1e-40, Infinity, -Infinity, Number.NaN, 3.4e38, -3.4e38, 1e-30, 1e6];
const ranges: readonly QuantRange[] = [
  { min: -0.0123, max: 2.7 },
  { min: 0.001, max: 47 },
  { min: -1.37, max: 0.021 },
  { min: 4, max: 4 },
  { min: 2, max: 1 },
  { min: 1e6, max: 1e6 + 0.5 },
  { min: -1e-30, max: 3e-30 },
  { min: -3e38, max: 3e38 },
  ...special.flatMap((a) => special.map((b) => ({ min: a, max: b }))),
  ...fc.sample(
    fc.tuple(fc.float({ noNaN: true, noDefaultInfinity: true }), fc.float({ min: -100, max: 100, noNaN: true })).map(([a, b]) => ({ min: Math.min(a, b), max: Math.max(a, b) })),
    { seed, numRuns: 60 },
  ),
].map((r) => ({ min: Math.fround(r.min), max: Math.fround(r.max) }));

describe.skipIf(!built.ok)('quantize.cuh on the host equals the TypeScript specification bit for bit', () => {
  it('scales and origins of every kind of range', () => {
    const cases = ranges.flatMap((r) => modes.map((m) => ({ r, m })));
    const out = harness(cases.map(({ r, m }) => `p ${hex(r.min)} ${hex(r.max)} ${sym(m)}`));
    expect(out).toEqual(cases.map(({ r, m }) => ((p) => `${hex(p.scale)} ${hex(p.min)}`)(affineFor(r, m))));
  });

  it('codes and decoded values on and beside every threshold, and of special values', () => {
    const cases = ranges.flatMap((r) =>
      modes.flatMap((m) => {
        const p = affineFor(r, m);
        const near = Array.from({ length: 255 }, (_, k) => threshold(p, k + 1)).flatMap((t) => [t, fromBits(bitsOf(t) + 1), fromBits(bitsOf(t) - 1)]);
        return [...near, ...special, r.min, r.max].map((v) => ({ r, m, v: Math.fround(v) }));
      }),
    );
    const out = harness(cases.map(({ r, m, v }) => `q ${hex(r.min)} ${hex(r.max)} ${sym(m)} ${hex(v)}`));
    const want = cases.map(({ r, m, v }) => {
      const p = affineFor(r, m);
      const q = quantizeValue(p, v);
      return `${q} ${hex(dequantizeValue(p, q))}`;
    });
    const wrong = out.flatMap((line, i) => (line === want[i] ? [] : [`${JSON.stringify(cases[i])}: got ${line}, want ${want[i]}`]));
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(out.length).toBe(want.length);
  });

  it('the dequantization in its fixed order, including sums that float32 rounds', () => {
    const cases = fc.sample(
      fc.record({
        x: fc.constantFrom(...ranges.slice(0, 8)),
        w: fc.constantFrom(...ranges.slice(0, 8)),
        m: fc.constantFrom(...modes),
        acc: fc.oneof(fc.integer({ min: 0, max: 1 << 16 }), fc.integer({ min: 1 << 24, max: 2 ** 31 - 1 })),
        sumX: fc.integer({ min: 0, max: 255 * 4608 }),
        sumW: fc.integer({ min: 0, max: 255 * 4608 }),
        k: fc.integer({ min: 1, max: 4608 }),
      }),
      { seed, numRuns: 2000 },
    );
    const out = harness(cases.map((c) => `d ${hex(c.x.min)} ${hex(c.x.max)} ${hex(c.w.min)} ${hex(c.w.max)} ${sym(c.m)} ${c.acc} ${c.sumX} ${c.sumW} ${c.k}`));
    expect(out).toEqual(cases.map((c) => hex(dequantizeSum(affineFor(c.x, c.m), affineFor(c.w, c.m), c.acc, c.sumX, c.sumW, c.k))));
  });
});
