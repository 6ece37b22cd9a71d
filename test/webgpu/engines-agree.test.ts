// The engine changes nothing but speed: the same tiny search, run by the CLI on the cpu engine and on the webgpu
// engine (SwiftShader in CI), agrees epoch by epoch. The run is the tiny preset as a user starts it (3 cells, C = 4,
// 32 images, batch 8, 2 epochs); SwiftShader runs every dispatch on the CPU, so on 2 cores the webgpu searches take
// about 7 (fp32) and 14 (mul8u_NGR) minutes: CI runs them, a developer's run opts in (./webgpu-for-tests.ts).
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
  const args = ['search', '--preset', 'tiny', '--data', 'synthetic', '--multiplier', multiplier, '--lut-dir', luts, '--limit', '32', '--batch-size', '8', '--epochs', '2', '--seed', '3', '--engine', engineName, '--out', out];
  const r = spawnSync('node', [bin, ...args], { encoding: 'utf8', timeout: 2_400_000 });
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
  }, 3_000_000);

  it('mul8u_NGR: losses within 1e-2 relative and softmaxed alphas within 1e-3, every epoch', async () => {
    // Forward passes are bit-identical across engines (test/webgpu/wgsl-kernels.test.ts) and float gradients agree to
    // float32 summation order (the fp32 case above: loss gaps 4e-5). Quantization amplifies that: once an update has
    // moved a weight by ~1e-7 relative, a value that close to a code threshold rounds to the neighbouring code on one
    // engine only, and a per-tensor range that moves shifts every code of its tensor. Measured at this size (cpu vs
    // webgpu, SwiftShader): train loss 2.7e-5 / 9.7e-4, valid 4.8e-5 / 2.4e-3, alphas 0 / 2.7e-5 for epochs 1 / 2
    // (3.1e-4 / 1.3e-3, 1.5e-4 / 2.1e-3, 0 / 4.1e-5 before the fused kernels changed float summation orders); for
    // scale, the same search with fp32 instead of mul8u_NGR differs from it by 2.0e-3 / 5.4e-3 (train) on cpu. The
    // bounds leave about 4x (losses) and 25x (alphas) of room for drift, and sit far below what one wrong kernel did:
    // before libs/engine-webgpu/src/avg-pool-grad-webgpu.ts, webgpu's fp32 network gradients were 7.6 % off (median).
    const [cpu, gpu] = [await search('cpu', 'mul8u_NGR'), await search('webgpu', 'mul8u_NGR')];
    expect(cpu).toHaveLength(2);
    expect(gpu).toHaveLength(2);
    const g = gaps(gpu, cpu);
    console.log(`mul8u_NGR cpu vs webgpu per epoch: ${JSON.stringify(g)}`);
    for (const e of g) {
      expect(e.train).toBeLessThan(1e-2);
      expect(e.valid).toBeLessThan(1e-2);
      expect(e.alphas).toBeLessThan(1e-3);
    }
  }, 3_000_000);
});
