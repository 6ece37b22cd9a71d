import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeGenotypeJson } from '@approx-darts/genotype';
import { readJsonl } from '@approx-darts/run-store';

const shared = resolve(process.cwd(), '../shared/datasets/cifar-10-partial');
const luts = resolve(process.cwd(), '../shared/multipliers');
const haveData = existsSync(shared) && existsSync(join(luts, 'mul8u_NGR.bin'));
if (!haveData) console.warn(`skipped: the shared CIFAR-10 subset or tables are not at ${shared} / ${luts}`);

const bin = resolve(process.cwd(), 'apps/cli/bin/approx-darts.mjs');
// A tiny search on the approximate multiplier: 1 cell, C = 2, 8 images, batch 2; epoch 1 warm-up, epoch 2 searches.
const tiny = ['search', '--data', shared, '--multiplier', 'mul8u_NGR', '--lut-dir', luts, '--preset', 'tiny', '--cells', '1', '--channels', '2', '--limit', '8', '--batch-size', '2', '--seed', '1'];
// The tests that run two or three searches: measured 58 s (resume) and 115 s (second order) at a load of 12 on 2
// cores, with 1 cell (the second-order one, on 2 cells, ran past the default 120 s at load 10); a slow machine must
// not fail them.
const SEVERAL_RUNS = 900_000;
const cli = (args: readonly string[]) => spawnSync('node', [bin, ...args], { encoding: 'utf8', timeout: 600_000 });
const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'search-cli-'));
/** Starts a search and kills it (SIGKILL) as soon as its first epoch's checkpoint is committed; true if the kill landed. */
const killAfterFirstCheckpoint = async (args: readonly string[], dir: string): Promise<boolean> => {
  const child = spawn('node', [bin, ...args, '--out', dir], { stdio: 'ignore' });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const marker = join(dir, 'checkpoint', 'checkpoint.json');
  while (!existsSync(marker) && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
  const killed = child.kill('SIGKILL');
  await exited;
  return killed;
};
const lastAlphas = async (dir: string): Promise<unknown> => (await readJsonl(join(dir, 'metrics.jsonl'))).map((r) => (r as { alphas: unknown }).alphas).at(-1);

describe.skipIf(!haveData)('approx-darts search (end to end on the shared subset)', () => {
  let straightDir = '';

  it('runs a tiny search and writes a valid genotype, metrics, plots and the run config', async () => {
    straightDir = await tmp();
    const r = cli([...tiny, '--out', straightDir]);
    expect(r.stderr).not.toMatch(/approx-darts: /);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`genotype: ${join(straightDir, 'genotype.json')}`);
    const genotype = decodeGenotypeJson(JSON.parse(await readFile(join(straightDir, 'genotype.json'), 'utf8')));
    expect(genotype._tag).toBe('Right');
    const metrics = await readJsonl(join(straightDir, 'metrics.jsonl'));
    expect(metrics.map((m) => (m as { warmup: boolean }).warmup)).toEqual([true, false]);
    expect(existsSync(join(straightDir, 'alphas.svg'))).toBe(true);
    expect((await readFile(join(straightDir, 'cells.dot'), 'utf8')).startsWith('digraph')).toBe(true);
    expect(JSON.parse(await readFile(join(straightDir, 'run-config.json'), 'utf8')).multiplier).toBe('mul8u_NGR');
  }, SEVERAL_RUNS);

  it('resumes a killed run to the same genotype and alphas as the uninterrupted one', async () => {
    const dir = await tmp();
    expect(await killAfterFirstCheckpoint(tiny, dir)).toBe(true);
    expect((await readJsonl(join(dir, 'metrics.jsonl'))).length).toBe(1);
    const r = cli([...tiny, '--out', dir, '--resume']);
    expect(r.status).toBe(0);
    expect(await readFile(join(dir, 'genotype.json'), 'utf8')).toBe(await readFile(join(straightDir, 'genotype.json'), 'utf8'));
    expect(await lastAlphas(dir)).toEqual(await lastAlphas(straightDir));
  }, SEVERAL_RUNS);

  it('--order second runs end to end, differs from first order, and resumes a killed run to the same alphas', async () => {
    // The unrolled step asks the weight optimizer for its update, momentum buffers included, so a resumed run must
    // restore them exactly (epoch 1 is the warm-up: the unrolled steps all run after the resume).
    const second = [...tiny, '--order', 'second'];
    const straight = await tmp();
    const r = cli([...second, '--out', straight]);
    expect(r.stderr).not.toMatch(/approx-darts: /);
    expect(r.status).toBe(0);
    expect(JSON.parse(await readFile(join(straight, 'run-config.json'), 'utf8')).plan.order).toBe('second');
    const alphas = (await lastAlphas(straight)) as { normal: number[][] };
    expect(alphas.normal.flat().every(Number.isFinite)).toBe(true);
    expect(alphas).not.toEqual(await lastAlphas(straightDir));
    const dir = await tmp();
    expect(await killAfterFirstCheckpoint(second, dir)).toBe(true);
    expect(cli([...second, '--out', dir, '--resume']).status).toBe(0);
    expect(await lastAlphas(dir)).toEqual(alphas);
  }, SEVERAL_RUNS);

  it('--profile writes profile.json (kernels per step by name, no GPU counts on cpu) and prints the table', async () => {
    const dir = await tmp();
    const r = cli([...tiny, '--epochs', '1', '--profile', '--out', dir]);
    expect(r.status).toBe(0);
    const profile = JSON.parse(await readFile(join(dir, 'profile.json'), 'utf8')) as {
      engine: string;
      steps: number;
      perStep: { kernels: number; dispatches: number | null; uploads: number | null; downloads: number | null; seconds: number };
      byKernel: Record<string, { count: number; ms: number }>;
    };
    // 8 images, half for the weights, batch 2: the one (warm-up) epoch runs 2 weight steps.
    expect(profile).toMatchObject({ engine: 'cpu', steps: 2, perStep: { dispatches: null, uploads: null, downloads: null } });
    expect(profile.perStep.kernels).toBeGreaterThan(100);
    const counts = Object.values(profile.byKernel).map((k) => k.count);
    expect(counts.reduce((a, b) => a + b, 0)).toBeCloseTo(profile.perStep.kernels, 6);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(profile.byKernel['ApproxConv2D']?.count).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/profile: 2 steps on cpu; per step \d+ kernels, - GPU dispatches/);
    expect(r.stderr).toContain(`profile: ${join(dir, 'profile.json')}`);
  });

  it('refuses bad input with a clear message', async () => {
    const unknown = cli([...tiny, '--multiplier', 'mul8u_NOPE', '--out', await tmp()]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/unknown multiplier 'mul8u_NOPE'/);
    const noData = cli([...tiny, '--data', '/nonexistent/cifar', '--out', await tmp()]);
    expect(noData.status).toBe(1);
    expect(noData.stderr).toMatch(/--data: .*\/nonexistent\/cifar/);
    const other = await tmp();
    await mkdir(other, { recursive: true });
    await writeFile(join(other, 'run-config.json'), JSON.stringify({ kind: 'approx-darts-search' }));
    const foreign = cli([...tiny, '--out', other]);
    expect(foreign.status).toBe(1);
    expect(foreign.stderr).toMatch(/run-config\.json: not a search run config/);
    const again = cli([...tiny, '--seed', '2', '--out', straightDir]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/holds a search run with a different configuration/);
  }, SEVERAL_RUNS);
});
