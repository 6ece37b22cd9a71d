import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonl } from '@approx-darts/run-store';
import { registerCommands as register } from '../../apps/cli/src/commands/index';
import { runCommand } from '../../apps/cli/src/commands/run-command.testing';
import { slurmForTests } from './slurm-for-tests';

const available = slurmForTests();

interface StatusJob { readonly id: string; readonly state: string }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const status = async (dir: string): Promise<readonly StatusJob[]> => {
  const r = await runCommand(register, ['sweep', 'status', dir, '--json']);
  if (r.error !== undefined) throw new Error(r.error);
  return (JSON.parse(r.stdout) as { jobs: StatusJob[] }).jobs;
};

/** Polls until every job is done; a failed job or the deadline ends it with the states seen. */
const waitDone = async (dir: string, seconds: number): Promise<readonly StatusJob[]> => {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const jobs = await status(dir);
    if (jobs.every((j) => j.state === 'done')) return jobs;
    if (jobs.some((j) => j.state === 'failed') || Date.now() > end) throw new Error(`sweep ${dir}: ${jobs.map((j) => `${j.id} ${j.state}`).join(', ')}`);
    await sleep(1000);
  }
};

/** Each start of a job's script, in epoch seconds, with what followed it (`--resume`). */
const starts = async (run: string): Promise<readonly { readonly at: number; readonly args: string }[]> =>
  (await readFile(join(run, 'job-starts'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => ({ at: Number(l.split(' ')[0]), args: l.split(' ').slice(1).join(' ') }));

describe.skipIf(!available)('sweeps on a single-node Slurm', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sweep-slurm-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the tiny example as sbatch arrays; no job starts before the jobs it depends on ended; the report comes out', async () => {
    const out = join(dir, 'tiny');
    const run = await runCommand(register, ['sweep', 'run', 'examples/sweeps/tiny-sweep.json', '--out', out, '--launcher', 'slurm']);
    expect(run.error).toBeUndefined();
    expect(run.stdout).toMatch(/submitted eval: 3 task\(s\) in array\(s\) \d+, \d+, \d+/);
    await waitDone(out, 600);

    const state = JSON.parse(await readFile(join(out, 'sweep-state.json'), 'utf8')) as { scheduled: Record<string, string> };
    const graph = JSON.parse(await readFile(join(out, 'sweep.json'), 'utf8')) as { stages: unknown[] };
    expect(graph.stages).toHaveLength(4);
    const jobs = await status(out);
    expect(jobs).toHaveLength(10);
    expect(Object.keys(state.scheduled)).toHaveLength(10);
    // Every job started after each of its dependencies had written its exit code, transitively: an evaluation after its search.
    const runDir = (id: string): string => join(out, 'runs', id);
    const ended = (id: string): number => statSync(join(runDir(id), 'job-exit')).mtimeMs / 1000;
    const evalJob = 'eval__multiplier=mul8u_NGR__seed=0__trained=mul8u_NGR';
    const chain = ['search__multiplier=mul8u_NGR__seed=1', 'best__multiplier=mul8u_NGR', 'train__multiplier=mul8u_NGR__seed=0__trained=mul8u_NGR', evalJob];
    for (let i = 1; i < chain.length; i++) {
      const [first] = await starts(runDir(chain[i]!));
      for (const before of chain.slice(0, i)) expect(first!.at).toBeGreaterThanOrEqual(ended(before) - 0.01);
    }

    const again = await runCommand(register, ['sweep', 'run', 'examples/sweeps/tiny-sweep.json', '--out', out, '--launcher', 'slurm']);
    expect(again.stdout).toContain('10 jobs, 0 to run');

    const report = await runCommand(register, ['sweep', 'report', out]);
    expect(report.error).toBeUndefined();
    const table3 = report.stdout.split('## Table III')[1]!;
    expect(table3.match(/^\| (fp32|mul8u_NGR) \|/gm)).toHaveLength(4);
    expect(existsSync(join(out, 'accuracy-energy.svg'))).toBe(true);
  }, 900_000);

  it('a search requeued mid-run restarts with --resume and ends with the records of an uninterrupted run', async () => {
    const out = join(dir, 'requeue');
    const flags = { preset: 'tiny', cells: 1, channels: 2, limit: 32, 'batch-size': 8, epochs: 6 };
    const axes = { multiplier: ['fp32'], seed: [3] };
    const file = join(dir, 'requeue.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'requeue',
        common: { data: 'synthetic', engine: 'cpu' },
        stages: [
          { name: 'victim', kind: 'search', axes, flags },
          { name: 'reference', kind: 'search', axes, flags },
        ],
      }),
    );
    const run = await runCommand(register, ['sweep', 'run', file, '--out', out, '--launcher', 'slurm']);
    expect(run.error).toBeUndefined();
    const victim = join(out, 'runs', 'victim__multiplier=fp32__seed=3');
    const reference = join(out, 'runs', 'reference__multiplier=fp32__seed=3');
    const deadline = Date.now() + 120_000;
    while (!existsSync(join(victim, 'checkpoint', 'checkpoint.json'))) {
      if (Date.now() > deadline) throw new Error('no checkpoint after 120 s');
      await sleep(100);
    }
    const state = JSON.parse(await readFile(join(out, 'sweep-state.json'), 'utf8')) as { scheduled: Record<string, string> };
    execFileSync('scontrol', ['requeue', state.scheduled['victim__multiplier=fp32__seed=3']!]);
    expect(existsSync(join(victim, 'job-exit'))).toBe(false);

    await waitDone(out, 600);
    const shown = (await status(out)).find((j) => j.id === 'victim__multiplier=fp32__seed=3') as StatusJob & { progress: string };
    expect(shown.progress).toBe('6/6 epochs, 1 restart');
    const victimStarts = await starts(victim);
    expect(victimStarts).toHaveLength(2);
    expect(victimStarts[0]!.args).toBe('');
    expect(victimStarts[1]!.args).toBe('--resume');
    const epochs = async (run: string) => ((await readJsonl(join(run, 'metrics.jsonl'))) as { epoch: number }[]).map((r) => r.epoch);
    expect(await epochs(victim)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await epochs(victim)).toEqual(await epochs(reference));
    expect(JSON.parse(await readFile(join(victim, 'genotype.json'), 'utf8'))).toEqual(JSON.parse(await readFile(join(reference, 'genotype.json'), 'utf8')));
  }, 900_000);

  it('after a failed search, a second run cancels its stranded downstream jobs and resubmits the chain, which completes', async () => {
    const out = join(dir, 'retry');
    const tiny = { preset: 'tiny', cells: 1, channels: 2, limit: 16, 'batch-size': 8, epochs: 1 };
    const file = join(dir, 'retry.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'retry',
        common: { data: 'synthetic', engine: 'cpu' },
        stages: [
          { name: 'search', kind: 'search', axes: { multiplier: ['fp32'], seed: [1] }, flags: tiny },
          { name: 'best', kind: 'select', from: 'search', groupBy: ['multiplier'] },
          { name: 'train', kind: 'train', from: 'best', flags: { ...tiny, auxiliary: false } },
          { name: 'eval', kind: 'eval', from: 'train', flags: { limit: 16 } },
        ],
      }),
    );
    // The searches fail while the marker exists (a broken node, a missing file system): the wrapper stands for the CLI.
    const marker = join(dir, 'searches-fail');
    const wrapper = join(dir, 'flaky.sh');
    const bin = join(process.cwd(), 'apps/cli/bin/approx-darts.mjs');
    await writeFile(marker, '');
    await writeFile(wrapper, `#!/usr/bin/env bash\nif [ "$1" = search ] && [ -f ${marker} ]; then echo "injected failure" >&2; exit 3; fi\nexec ${process.execPath} ${bin} "$@"\n`);
    const command = `bash ${wrapper}`;
    expect((await runCommand(register, ['sweep', 'run', file, '--out', out, '--launcher', 'slurm', '--command', command])).error).toBeUndefined();
    const deadline = Date.now() + 120_000;
    let jobs = await status(out);
    while (!(jobs[0]!.state === 'failed' && jobs[1]!.state === 'failed')) {
      if (Date.now() > deadline) throw new Error(`no failure seen: ${jobs.map((j) => `${j.id} ${j.state}`).join(', ')}`);
      await sleep(1000);
      jobs = await status(out);
    }
    expect(jobs.slice(2).map((j) => j.state)).toEqual(['queued', 'queued']);
    const old = JSON.parse(await readFile(join(out, 'sweep-state.json'), 'utf8')) as { scheduled: Record<string, string> };

    await rm(marker);
    const again = await runCommand(register, ['sweep', 'run', file, '--out', out, '--launcher', 'slurm', '--command', command]);
    expect(again.stdout).toContain('4 jobs, 4 to run');
    const queue = execFileSync('squeue', ['-h', '-r', '-o', '%i'], { encoding: 'utf8' }).split('\n');
    for (const id of Object.values(old.scheduled)) expect(queue).not.toContain(id);
    await waitDone(out, 600);
    expect(await starts(join(out, 'runs', 'search__multiplier=fp32__seed=1'))).toHaveLength(2);
  }, 900_000);
});
