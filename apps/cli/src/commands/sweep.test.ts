import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from './sweep';
import { runCommand } from './run-command.testing';

const TINY = { preset: 'tiny', cells: 1, channels: 2, limit: 16, 'batch-size': 8, epochs: 1 };
/** Four jobs: one fp32 search, its pick, one training, one evaluation under fp32 and mul8u_NGR. */
const sweepFile = {
  name: 'cli-test',
  common: { data: 'synthetic', engine: 'cpu' },
  stages: [
    { name: 'search', kind: 'search', axes: { multiplier: ['fp32'], seed: [1] }, flags: TINY },
    { name: 'best', kind: 'select', from: 'search', groupBy: ['multiplier'] },
    { name: 'train', kind: 'train', from: 'best', axes: { seed: [0] }, flags: { ...TINY, auxiliary: false } },
    { name: 'eval', kind: 'eval', from: 'train', under: { fp32: ['fp32', 'mul8u_NGR'] }, flags: { limit: 16 } },
  ],
};

describe('approx-darts sweep', () => {
  let dir = '';
  let file = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sweep-cli-'));
    file = join(dir, 'grid.json');
    await writeFile(file, JSON.stringify(sweepFile));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a bad sweep file, a non-sweep directory and an unknown launcher in one line each', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ ...sweepFile, stages: [{ ...sweepFile.stages[0], axes: { seed: [1] } }] }));
    const r1 = await runCommand(register, ['sweep', 'run', bad, '--out', join(dir, 'x')]);
    expect(r1.error).toBe(`${bad}: stages[0] (search).axes: a search stage needs a 'multiplier' axis (the report groups by it)`);
    const r2 = await runCommand(register, ['sweep', 'status', dir]);
    expect(r2.error).toMatch(/: not a sweep directory \(no sweep\.json/);
    const r3 = await runCommand(register, ['sweep', 'run', file, '--out', join(dir, 'x'), '--launcher', 'pbs']);
    expect(r3.error).toBe("--launcher: 'pbs' is not one of slurm, local");
    const r4 = await runCommand(register, ['sweep', 'run', join(dir, 'missing.json'), '--out', join(dir, 'x')]);
    expect(r4.error).toBe(`${join(dir, 'missing.json')}: cannot be read`);
  });

  it('--dry-run writes every script and prints the sbatch lines with their dependencies, submitting nothing', async () => {
    const out = join(dir, 'dry');
    const r = await runCommand(register, ['sweep', 'run', file, '--out', out, '--launcher', 'slurm', '--dry-run']);
    expect(r.error).toBeUndefined();
    expect(r.stdout).toContain(`sbatch --parsable --array=0 --dependency=afterok:<train>_0 ${out}/jobs/eval.sbatch`);
    expect(existsSync(join(out, 'jobs', 'search__multiplier=fp32__seed=1.sh'))).toBe(true);
    expect(existsSync(join(out, 'sweep-state.json'))).toBe(false);
  });

  it('runs a sweep locally, reports it, and a second run submits only what is missing', async () => {
    const out = join(dir, 'local');
    const first = await runCommand(register, ['sweep', 'run', file, '--out', out, '--launcher', 'local', '--jobs', '2']);
    expect(first.error).toBeUndefined();
    expect(first.stdout).toContain('4 done, 0 failed, 0 not run');

    const status = await runCommand(register, ['sweep', 'status', out, '--json']);
    const jobs = (JSON.parse(status.stdout) as { jobs: { id: string; state: string; progress: string }[] }).jobs;
    expect(jobs.map((j) => j.state)).toEqual(['done', 'done', 'done', 'done']);
    expect(jobs[0]!.progress).toBe('1/1 epochs');

    const again = await runCommand(register, ['sweep', 'run', file, '--out', out, '--launcher', 'local']);
    expect(again.stdout).toContain('4 jobs, 0 to run');

    // A lost evaluation is the only job run again.
    const evalRun = join(out, 'runs', 'eval__multiplier=fp32__seed=0__trained=fp32');
    await rm(evalRun, { recursive: true });
    const third = await runCommand(register, ['sweep', 'run', file, '--out', out, '--launcher', 'local']);
    expect(third.stdout).toContain('4 jobs, 1 to run');
    expect(third.stdout).toContain('1 done, 0 failed');

    const report = await runCommand(register, ['sweep', 'report', out, '--format', 'csv']);
    expect(report.error).toBeUndefined();
    const lines = report.stdout.trim().split('\n');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual(['fp32,fp32,fp32', 'fp32,fp32,mul8u_NGR']);
    const [fp32, ngr] = lines.slice(1).map((l) => l.split(','));
    expect(Number(ngr![10])).toBeLessThan(Number(fp32![10])); // NGR's arithmetic costs less energy
    expect(Number(fp32![6])).toBeGreaterThan(0); // parameters counted
    const md = await runCommand(register, ['sweep', 'report', out]);
    expect(md.stdout).toContain('## Table II');
    const latex = await runCommand(register, ['sweep', 'report', out, '--format', 'latex']);
    expect(latex.error).toBeUndefined();
    expect(await readFile(join(out, 'report.tex'), 'utf8')).toBe(latex.stdout);
    expect(latex.stdout).toMatch(/\\toprule[\s\S]*fp32 & fp32 & mul8u\\_NGR & [\d.]+ \$\\pm\$ --- &/);
    const plot = await readFile(join(out, 'accuracy-energy.svg'), 'utf8');
    expect(plot).toContain('searched fp32, trained fp32, evaluated under mul8u_NGR');
    expect(plot).toContain('searched fp32, trained fp32, evaluated under fp32');
  });
});
