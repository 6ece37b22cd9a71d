// The engine changes nothing but speed: the same tiny search, run by the CLI on the cpu engine and on the webgpu
// engine (SwiftShader in CI), agrees epoch by epoch. The network is the tiny preset cut to 2 cells of C = 2 and 16
// images: SwiftShader runs every dispatch on the CPU, and the preset's own 3 cells of C = 4 took over 15 minutes on a
// loaded 2-core machine.
import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonl } from '@approx-darts/run-store';
import { slowWebgpuSuites, webgpuForTests } from './webgpu-for-tests';

const engine = slowWebgpuSuites('cpu vs webgpu search agreement') ? await webgpuForTests() : undefined;
const bin = resolve(process.cwd(), 'apps/cli/bin/approx-darts.mjs');
const luts = resolve(process.cwd(), '../shared/multipliers');

interface Epoch {
  readonly train: { readonly loss: number };
  readonly valid: { readonly loss: number };
  readonly alphas: { readonly normal: readonly (readonly number[])[]; readonly reduce: readonly (readonly number[])[] };
}

const search = async (engineName: string, multiplier: string): Promise<readonly Epoch[]> => {
  const out = await mkdtemp(join(tmpdir(), `agree-${engineName}-`));
  const args = ['search', '--preset', 'tiny', '--cells', '2', '--channels', '2', '--data', 'synthetic', '--multiplier', multiplier, '--lut-dir', luts, '--limit', '16', '--batch-size', '4', '--epochs', '2', '--seed', '3', '--engine', engineName, '--out', out];
  const r = spawnSync('node', [bin, ...args], { encoding: 'utf8', timeout: 900_000 });
  expect(r.stderr, `search on ${engineName}`).not.toMatch(/approx-darts: /);
  expect(r.status).toBe(0);
  return (await readJsonl(join(out, 'metrics.jsonl'))) as readonly Epoch[];
};

const relative = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
const alphaGap = (a: Epoch, b: Epoch): number =>
  Math.max(...(['normal', 'reduce'] as const).flatMap((cell) => a.alphas[cell].flatMap((row, i) => row.map((v, j) => Math.abs(v - (b.alphas[cell][i]?.[j] ?? NaN))))));

/** Per epoch: relative gaps of the train and valid losses, and the largest gap of a softmaxed alpha. */
const gaps = (gpu: readonly Epoch[], cpu: readonly Epoch[]) =>
  cpu.map((c, i) => {
    const g = gpu[i] as Epoch;
    return { train: relative(g.train.loss, c.train.loss), valid: relative(g.valid.loss, c.valid.loss), alphas: alphaGap(g, c) };
  });

describe.skipIf(engine === undefined)('search on webgpu agrees with search on cpu', () => {
  it('fp32: losses within 1e-3 relative and softmaxed alphas within 1e-3, every epoch', async () => {
    const [cpu, gpu] = [await search('cpu', 'fp32'), await search('webgpu', 'fp32')];
    expect(cpu).toHaveLength(2);
    expect(gpu).toHaveLength(2);
    const g = gaps(gpu, cpu);
    console.log(`fp32 cpu vs webgpu per epoch: ${JSON.stringify(g)}`);
    for (const e of g) {
      expect(e.train).toBeLessThan(1e-3);
      expect(e.valid).toBeLessThan(1e-3);
      expect(e.alphas).toBeLessThan(1e-3);
    }
  }, 1_800_000);

  it('mul8u_NGR runs on webgpu; its gaps to the cpu engine are printed', async () => {
    // Forward passes are bit-identical (test/webgpu/wgsl-kernels.test.ts), gradients are not (float32 summation order):
    // after the first update an activation can cross a code threshold on one engine only, so the approximate search
    // drifts further than fp32's. The gaps are printed for the record; the bound asserted is only that it ran.
    const [cpu, gpu] = [await search('cpu', 'mul8u_NGR'), await search('webgpu', 'mul8u_NGR')];
    expect(gpu).toHaveLength(cpu.length);
    const g = gaps(gpu, cpu);
    console.log(`mul8u_NGR cpu vs webgpu per epoch: ${JSON.stringify(g)}`);
    for (const e of g) expect(Number.isFinite(e.train) && Number.isFinite(e.valid) && Number.isFinite(e.alphas)).toBe(true);
  }, 1_800_000);
});
