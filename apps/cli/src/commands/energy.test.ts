import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DARTS_V2, genotypeToJson, printPythonGenotype } from '@approx-darts/genotype';
import { register } from './energy';
import { runCommand } from './run-command.testing';

const energy = async (args: readonly string[]): Promise<Record<string, number | string | null | unknown[]>> => {
  const r = await runCommand(register, ['energy', ...args, '--json']);
  if (r.error) throw new Error(r.error);
  return JSON.parse(r.stdout) as Record<string, number>;
};

describe('approx-darts energy', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'energy-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('counts no auxiliary head for one cell (it reads the map after the second reduction, which one cell lacks)', async () => {
    const one = await energy(['--genotype', 'DARTS_V2', '--channels', '8', '--cells', '1', '--multiplier', 'fp32']);
    const two = await energy(['--genotype', 'DARTS_V2', '--channels', '8', '--cells', '2', '--multiplier', 'fp32']);
    expect(one['params_auxiliary']).toBe(0);
    expect(two['params_auxiliary']).toBeGreaterThan(0);
    const text = await runCommand(register, ['energy', '--genotype', 'DARTS_V2', '--channels', '8', '--cells', '1', '--multiplier', 'fp32']);
    expect(text.stdout).toMatch(/M; no auxiliary head: it needs 2 cells\)/);
  });

  it('reports DARTS_V2 at C=36, 20 cells with the parameter count DARTS prints (3.35 M, auxiliary head excluded)', async () => {
    const r = await energy(['--genotype', 'DARTS_V2', '--channels', '36', '--cells', '20', '--multiplier', 'fp32']);
    expect(r['params']).toBe(3_349_342);
    expect(r['params_auxiliary']).toBeGreaterThan(0);
    expect(r['approx_macs']).toBe(0);
    expect(r['saving_vs_fp32_pct']).toBe(0);
    expect(r['saving_vs_exact8_pct']).toBeLessThan(0); // fp32 costs more than exact 8-bit
  });

  it('orders the paper multipliers by energy as by power, and counts the same MACs', async () => {
    const runs = [];
    for (const m of ['mul8u_1JFF', 'mul8u_2AC', 'NGR', 'mul8u_DM1']) runs.push(await energy(['--multiplier', m]));
    const e = runs.map((r) => r['energy_uj'] as number);
    expect([...e].sort((a, b) => b - a)).toEqual(e);
    expect(new Set(runs.map((r) => r['macs'])).size).toBe(1);
    expect(runs[0]?.['saving_vs_exact8_pct']).toBeCloseTo(0, 9);
    expect(runs[2]?.['multiplier']).toBe('mul8u_NGR');
    expect(runs[2]?.['approx_macs']).toBeGreaterThan(0);
  });

  it('reads a genotype file as JSON or as DARTS Python text, giving the same numbers as the built-in', async () => {
    const json = join(dir, 'g.json');
    const py = join(dir, 'g.txt');
    await writeFile(json, JSON.stringify(genotypeToJson(DARTS_V2)));
    await writeFile(py, printPythonGenotype(DARTS_V2));
    const [a, b, c] = [await energy(['--genotype', json, '--multiplier', 'NGR']), await energy(['--genotype', py, '--multiplier', 'NGR']), await energy(['--multiplier', 'NGR'])];
    expect(a?.['energy_uj']).toBe(c?.['energy_uj']);
    expect(b?.['params']).toBe(c?.['params']);
  });

  it('--multiplier takes a list, as eval does: one report each, the same as one at a time', async () => {
    const r = await runCommand(register, ['energy', '--multiplier', 'fp32,NGR,mul8u_1JFF', '--json']);
    const reports = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(reports.map((x) => x['multiplier'])).toEqual(['fp32', 'mul8u_NGR', 'mul8u_1JFF']);
    expect(reports[1]).toEqual(await energy(['--multiplier', 'NGR']));
    // The default network is the paper's evaluation network, as train's paper preset builds it.
    expect([reports[0]!['channels'], reports[0]!['cells']]).toEqual([32, 20]);
    const text = (await runCommand(register, ['energy', '--multiplier', 'fp32,1JFF'])).stdout;
    expect(text.split('\n\n')).toHaveLength(2);
    expect(text).toMatch(/saving vs fp32 +— \(this is the baseline\)\n/);
    expect(text).toMatch(/saving vs exact 8b +— \(this is the baseline\)\n?$/);
  });

  it('--layers gives a breakdown that sums to the total', async () => {
    const r = await energy(['--multiplier', 'NGR', '--layers']);
    const layers = r['layers'] as { energy_pj: number; auxiliary: boolean }[];
    const sum = layers.reduce((s, l) => s + l.energy_pj, 0);
    expect(sum / 1e6).toBeCloseTo(r['energy_uj'] as number, 6);
  });

  it('bad flags name the flag and the problem', async () => {
    expect((await runCommand(register, ['energy', '--channels', 'many'])).error).toMatch(/--channels: 'many' is not a positive integer/);
    expect((await runCommand(register, ['energy', '--multiplier', 'mul8u_NOPE'])).error).toMatch(/--multiplier mul8u_NOPE: no power figure/);
    expect((await runCommand(register, ['energy', '--genotype', join(dir, 'missing.json')])).error).toMatch(/missing\.json: not a built-in genotype/);
  });
  it('charges a genotype whose edges carry multipliers per edge: all-NGR edges cost what --multiplier NGR costs, mixing DM1 in costs less', async () => {
    const json = genotypeToJson(DARTS_V2);
    const tag = (m: (i: number) => string) => (edges: typeof json.normal) => edges.map(([op, input], i) => (op.startsWith('sep_') || op.startsWith('dil_') ? [op, input, m(i)] : [op, input]));
    const allNgr = join(dir, 'all-ngr.json');
    await writeFile(allNgr, JSON.stringify({ ...json, normal: tag(() => 'mul8u_NGR')(json.normal), reduce: tag(() => 'mul8u_NGR')(json.reduce) }));
    const mixed = join(dir, 'mixed.json');
    await writeFile(mixed, JSON.stringify({ ...json, normal: tag((i) => (i % 2 === 0 ? 'mul8u_DM1' : 'mul8u_NGR'))(json.normal), reduce: tag(() => 'mul8u_NGR')(json.reduce) }));
    const single = await energy(['--multiplier', 'NGR']);
    const perEdge = await energy(['--genotype', allNgr]);
    expect(perEdge['energy_uj']).toBeCloseTo(single['energy_uj'] as number, 9);
    expect(perEdge['approx_macs']).toBe(single['approx_macs']);
    const m = await energy(['--genotype', mixed, '--layers']);
    expect(m['energy_uj'] as number).toBeLessThan(single['energy_uj'] as number);
    const layers = m['layers'] as { multiplier: string | null; approximate: boolean; energy_pj: number }[];
    expect(new Set(layers.filter((l) => l.approximate).map((l) => l.multiplier))).toEqual(new Set(['mul8u_DM1', 'mul8u_NGR']));
    expect(layers.reduce((s, l) => s + l.energy_pj, 0) / 1e6).toBeCloseTo(m['energy_uj'] as number, 6);
  });
});
