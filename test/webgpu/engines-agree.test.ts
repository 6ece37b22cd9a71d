// The engine changes nothing but speed: the same tiny search, run by the CLI on the cpu engine and on the webgpu
// engine (SwiftShader in CI), agrees epoch by epoch.
import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonl } from '@approx-darts/run-store';
import { webgpuForTests } from './webgpu-for-tests';

const engine = await webgpuForTests();
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
});
