import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { registerCommands as register } from './index';
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

  it('checks every job\'s command line against its command\'s own flags and tables before writing anything', async () => {
    const refused = async (edit: (f: typeof sweepFile) => unknown): Promise<string | undefined> => {
      const path = join(dir, 'checked.json');
      const out = join(dir, 'checked-out');
      await writeFile(path, JSON.stringify(edit(structuredClone(sweepFile))));
      const r = await runCommand(register, ['sweep', 'run', path, '--out', out, '--launcher', 'slurm', '--dry-run']);
      expect(existsSync(out)).toBe(false); // nothing written, nothing submitted
      expect(r.exitCode).toBe(1);
      return r.error?.replace(`${path}: `, '');
    };
    const [search, , train, evaluate] = sweepFile.stages as unknown as [(typeof sweepFile.stages)[0] & { flags: typeof TINY }, object, { flags: typeof TINY }, object];
    expect(await refused((f) => ({ ...f, stages: [{ ...search, flags: { ...TINY, epoch: 1 } }] }))).toBe(
      "stages[0] (search).flags.epoch: approx-darts search has no flag --epoch; did you mean 'epochs'?",
    );
    expect(await refused((f) => ({ ...f, stages: [{ ...search, axes: { multiplier: ['fp32'], sed: [1] } }] }))).toBe(
      "stages[0] (search).axes.sed: approx-darts search has no flag --sed; did you mean 'seed'?",
    );
    expect(await refused((f) => ({ ...f, common: { ...f.common, seed: 3 } }))).toMatch(/^common\.seed \(given to stages\[3\] \(eval\)\): approx-darts eval has no flag --seed/);
    expect(await refused((f) => ({ ...f, stages: [{ ...search, axes: { multiplier: ['fp32', 'mul8u_NRG'] } }] }))).toMatch(
      /^stages\[0\] \(search\)\.axes\.multiplier: unknown multiplier 'mul8u_NRG'.*did you mean mul8u_NGR/,
    );
    expect(await refused((f) => ({ ...f, stages: [search, f.stages[1], train, { ...evaluate, under: { fp32: ['fp32', 'mul8u_NRG'] } }] }))).toMatch(
      /^stages\[3\] \(eval\)\.under\.fp32: unknown multiplier 'mul8u_NRG'/,
    );
    expect(await refused((f) => ({ ...f, stages: [{ ...search, flags: { ...TINY, epochs: true } }] }))).toBe(
      'stages[0] (search).flags.epochs: approx-darts search --epochs takes a value, not true',
    );
    expect(await refused((f) => ({ ...f, stages: [{ ...search, flags: { ...TINY, profile: 'yes' } }] }))).toBe(
      "stages[0] (search).flags.profile: approx-darts search --profile is a switch (give true or false), not a value ('yes')",
    );
    expect(await refused((f) => ({ ...f, stages: [search, f.stages[1], { ...train, flags: { ...train.flags, auxiliary: true } }] }))).toBe(
      'stages[2] (train).flags.auxiliary: approx-darts train has only --no-auxiliary (give false), not true',
    );
    // A misspelled key is refused by the file's own codec, naming its path (it was dropped, and `flags` defaulted).
    expect(await refused((f) => ({ ...f, stages: [{ name: 'search', kind: 'search', axes: search.axes, flag: TINY }] }))).toBe(
      'stages[0].flag: unknown key (allowed here: name, kind, axes, flags, resources)',
    );
  });

  it('counts the jobs before building them and refuses more than --max-jobs', async () => {
    const big = join(dir, 'big.json');
    const values = Array.from({ length: 3 }, (_, i) => i);
    const axes = Object.fromEntries([['multiplier', ['fp32']], ...Array.from({ length: 20 }, (_, i) => [`lr-${i}`, values])]);
    await writeFile(big, JSON.stringify({ ...sweepFile, stages: [{ ...sweepFile.stages[0], axes }] }));
    const out = join(dir, 'big-out');
    const r = await runCommand(register, ['sweep', 'run', big, '--out', out, '--dry-run']);
    expect(r.error).toBe(`${big}: 3,486,784,401 jobs, more than --max-jobs 1000; give fewer axis values, or raise --max-jobs if you mean it`);
    expect(existsSync(out)).toBe(false);
    const small = await runCommand(register, ['sweep', 'run', file, '--out', out, '--dry-run', '--max-jobs', '3']);
    expect(small.error).toMatch(/: 4 jobs, more than --max-jobs 3;/);
    const enough = await runCommand(register, ['sweep', 'run', file, '--out', out, '--dry-run', '--max-jobs', '4']);
    expect(enough.error).toBeUndefined();
    expect(enough.stdout).toContain('4 jobs, 4 to run');
  });

  it('refuses a second `sweep run` on a directory in use, naming the holder', async () => {
    const out = join(dir, 'locked');
    const first = await runCommand(register, ['sweep', 'run', file, '--out', out, '--dry-run']);
    expect(first.error).toBeUndefined();
    expect(existsSync(join(out, 'sweep.lock'))).toBe(false); // released when the run ended
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      await writeFile(join(out, 'sweep.lock'), JSON.stringify({ pid: holder.pid, hostname: hostname(), started: '2026-01-01T00:00:00.000Z', command: 'approx-darts sweep run grid.json' }));
      const second = await runCommand(register, ['sweep', 'run', file, '--out', out, '--launcher', 'local']);
      expect(second.error).toMatch(new RegExp(`^--out ${out}: this sweep directory is in use by process ${holder.pid} on .*approx-darts sweep run grid\\.json`));
      expect(existsSync(join(out, 'runs', 'search__multiplier=fp32__seed=1'))).toBe(false); // nothing was run
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('--dry-run writes every script and prints the sbatch lines with their dependencies, submitting nothing', async () => {
    const out = join(dir, 'dry');
    const r = await runCommand(register, ['sweep', 'run', file, '--out', out, '--launcher', 'slurm', '--dry-run']);
    expect(r.error).toBeUndefined();
    expect(r.stdout).toContain(`sbatch --parsable --array=0 --dependency=afterok:<train>_0 ${out}/jobs/eval.sbatch`);
    expect(await readFile(join(out, 'jobs', 'search.sbatch'), 'utf8')).toContain(`0) run=${join(out, 'runs', 'search__multiplier=fp32__seed=1')}; cmd=(`);
    expect(existsSync(join(out, 'jobs', 'search__multiplier=fp32__seed=1.sh'))).toBe(false); // one script per stage, not per job
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

    // The directory belongs to its file: an edited one is refused, naming what changed, and nothing is rerun.
    const edited = join(dir, 'edited.json');
    await writeFile(edited, JSON.stringify({ ...sweepFile, stages: [{ ...sweepFile.stages[0], axes: { multiplier: ['fp32'], seed: [2] } }, ...sweepFile.stages.slice(1)] }, null, 2));
    const other = await runCommand(register, ['sweep', 'run', edited, '--out', out, '--launcher', 'local']);
    expect(other.error).toBe(
      `--out ${out}: holds the sweep run from another file (${join(out, 'sweep.json')}): stages[0].axes.seed[0] is 1 in the sweep, 2 now; run that file again, or give the changed one a new --out`,
    );
    expect(JSON.parse(await readFile(join(out, 'sweep.json'), 'utf8'))).toEqual(sweepFile);

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

  it('names a corrupt file of a sweep directory: status marks its job, report says which rows it leaves out and why', async () => {
    const out = join(dir, 'local'); // the sweep the test above ran
    const search = join(out, 'runs', 'search__multiplier=fp32__seed=1');
    const evalJson = join(out, 'runs', 'eval__multiplier=fp32__seed=0__trained=fp32', 'eval.json');
    await writeFile(join(search, 'run-config.json'), '{"plan": {"ep');
    const status = await runCommand(register, ['sweep', 'status', out, '--json']);
    expect(status.error).toBeUndefined();
    const jobs = (JSON.parse(status.stdout) as { jobs: { progress: string }[] }).jobs;
    expect(jobs.map((j) => j.progress)).toEqual(['unreadable run-config.json (not JSON)', '', '1/1 epochs', '']);

    await writeFile(evalJson, '{"rows": [');
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    const report = await runCommand(register, ['sweep', 'report', out, '--format', 'csv']).finally(() => spy.mockRestore());
    expect(stderr).toMatch(new RegExp(`^approx-darts: the report leaves out the rows of 1 job\\(s\\): ${evalJson.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not JSON \\(`));
    expect(report.error).toMatch(/no trained network has finished yet/);

    await writeFile(join(out, 'sweep-state.json'), '{"launcher": "lo');
    const broken = await runCommand(register, ['sweep', 'status', out]);
    expect(broken.error).toMatch(new RegExp(`^${join(out, 'sweep-state.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not JSON \\(`));
  });
});
