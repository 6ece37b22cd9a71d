import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/Either';
import { decodeGenotypeJson } from '@approx-darts/genotype';
import { readJsonl } from '@approx-darts/run-store';

const luts = resolve(process.cwd(), '../shared/multipliers');
const haveTables = ['mul8u_1JFF', 'mul8u_NGR', 'mul8u_DM1'].every((m) => existsSync(join(luts, `${m}.bin`)));
if (!haveTables) console.warn(`skipped: the multiplier tables are not at ${luts}`);

const bin = resolve(process.cwd(), 'apps/cli/bin/approx-darts.mjs');
const SET = ['--multipliers', 'mul8u_1JFF,mul8u_NGR,mul8u_DM1', '--lut-dir', luts];
// The fixed-seed check, as small as it holds: 1 cell, C = 2, 8 synthetic images, batch 4, 3 epochs (1 warm-up),
// arch-lr 0.5 (so that two architecture steps move the multiplier weights far enough to change the derived cell).
// Measured: 219 s for the two searches side by side at a load of 17 on 2 cores (3 cells, C = 4, 64 images, 4 epochs
// ran past 1800 s at a load of 10); derived energy 106.3 uJ at weight 10 against 112.5 uJ at weight 0.
const search = ['search', '--preset', 'tiny', '--data', 'synthetic', ...SET, '--cells', '1', '--channels', '2', '--limit', '8', '--batch-size', '4', '--epochs', '3', '--arch-lr', '0.5', '--seed', '0'];

/** Runs the CLI without blocking the test process, so two searches share the machine's cores. */
const cli = (args: readonly string[]): Promise<{ readonly status: number | null; readonly stdout: string; readonly stderr: string }> =>
  new Promise((done) => {
    const child = spawn('node', [bin, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (status) => done({ status, stdout, stderr }));
  });
const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'energy-search-'));

/** The derived genotype's energy (uJ) at C = 16, 8 cells, as `energy` costs it. */
const energyOf = async (dir: string): Promise<number> => {
  const r = await cli(['energy', '--genotype', join(dir, 'genotype.json'), '--channels', '16', '--cells', '8', '--lut-dir', luts, '--json']);
  expect(r.stderr).toBe('');
  return (JSON.parse(r.stdout) as { energy_uj: number }).energy_uj;
};

describe.skipIf(!haveTables)('search --multipliers --energy-weight (end to end)', () => {
  it('a large energy weight derives a network of lower energy than weight 0 on the same seed', async () => {
    const [heavy, free] = [await tmp(), await tmp()];
    const runs = await Promise.all([cli([...search, '--energy-weight', '10', '--out', heavy]), cli([...search, '--energy-weight', '0', '--out', free])]);
    for (const r of runs) {
      expect(r.stderr).not.toMatch(/approx-darts: /);
      expect(r.status).toBe(0);
    }
    const [eHeavy, eFree] = [await energyOf(heavy), await energyOf(free)];
    console.log(`derived energy at C=16, 8 cells: weight 10 ${eHeavy.toFixed(3)} uJ, weight 0 ${eFree.toFixed(3)} uJ`);
    expect(eHeavy).toBeLessThan(eFree);
    // The run's records: softmax(beta) and the expected energy per epoch, the plot beside alphas.svg.
    const metrics = (await readJsonl(join(heavy, 'metrics.jsonl'))) as { multipliers?: { energyRatio: number; alphas: { multipliers: string[] } } }[];
    expect(metrics).toHaveLength(3);
    expect(metrics.every((m) => m.multipliers?.alphas.multipliers.length === 3)).toBe(true);
    expect(metrics.at(-1)?.multipliers?.energyRatio).toBeLessThan(metrics[0]?.multipliers?.energyRatio ?? 0);
    expect((await readFile(join(heavy, 'multipliers.svg'), 'utf8')).startsWith('<svg')).toBe(true);
    const config = JSON.parse(await readFile(join(heavy, 'run-config.json'), 'utf8')) as { energy: unknown };
    expect(config.energy).toEqual({ multipliers: ['mul8u_1JFF', 'mul8u_NGR', 'mul8u_DM1'], weight: 10 });
  }, 1_800_000);

  it('resumes a killed energy-aware run to the same genotype and multiplier weights', async () => {
    const small = ['search', '--preset', 'tiny', '--data', 'synthetic', ...SET, '--cells', '1', '--channels', '2', '--limit', '8', '--batch-size', '2', '--epochs', '2', '--energy-weight', '5', '--seed', '1'];
    const [straight, killed] = [await tmp(), await tmp()];
    expect((await cli([...small, '--out', straight])).status).toBe(0);
    const child = spawn('node', [bin, ...small, '--out', killed], { stdio: 'ignore' });
    const exited = new Promise((done) => child.on('exit', done));
    while (!existsSync(join(killed, 'checkpoint', 'checkpoint.json')) && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    expect(child.kill('SIGKILL')).toBe(true);
    await exited;
    expect((await cli([...small, '--out', killed, '--resume'])).status).toBe(0);
    const genotype = await readFile(join(straight, 'genotype.json'), 'utf8');
    expect(await readFile(join(killed, 'genotype.json'), 'utf8')).toBe(genotype);
    const last = async (dir: string) => ((await readJsonl(join(dir, 'metrics.jsonl'))) as { multipliers?: unknown }[]).at(-1)?.multipliers;
    expect(await last(killed)).toEqual(await last(straight));
    const decoded = decodeGenotypeJson(JSON.parse(genotype));
    expect(E.isRight(decoded)).toBe(true);
  }, 1_800_000); // three searches: measured 160 s at a load of 12

  it('refuses --energy-weight without --multipliers, and --multiplier with --multipliers, in one line', async () => {
    const a = await cli(['search', '--preset', 'tiny', '--data', 'synthetic', '--multiplier', 'mul8u_NGR', '--energy-weight', '1', '--out', await tmp()]);
    expect(a.status).not.toBe(0);
    expect(a.stderr.trim()).toMatch(/^approx-darts: --energy-weight: needs --multipliers/);
    expect(a.stderr).not.toMatch(/\n\s+at /);
    const b = await cli(['search', '--preset', 'tiny', '--data', 'synthetic', '--multiplier', 'mul8u_NGR', ...SET, '--out', await tmp()]);
    expect(b.status).not.toBe(0);
    expect(b.stderr).toMatch(/--multipliers: give either --multiplier/);
    const c = await cli(['search', '--preset', 'tiny', '--data', 'synthetic', '--multipliers', 'mul8u_NGR', '--out', await tmp()]);
    expect(c.stderr).toMatch(/--multipliers mul8u_NGR: give at least two/);
  });
});

