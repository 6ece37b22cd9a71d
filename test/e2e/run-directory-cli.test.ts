import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonl } from '@approx-darts/run-store';

// Issue 17 through the real command: the run directory's lock, the data and config a resume must match, the learning
// rates it may change, and the refusals a new user meets (one line each, naming the flag or file).

const bin = resolve(process.cwd(), 'apps/cli/bin/approx-darts.mjs');
const shared = resolve(process.cwd(), '../shared/datasets/cifar-10-partial');
// 2 cells, C = 2, 8 images, batch 2 on the generated stand-in: about 3 s per epoch on the cpu engine.
const tiny = ['search', '--data', 'synthetic', '--multiplier', 'fp32', '--preset', 'tiny', '--cells', '2', '--channels', '2', '--limit', '8', '--batch-size', '2', '--engine', 'cpu'];
const trainTiny = ['train', '--genotype', 'DARTS_V2', '--data', 'synthetic', '--cells', '2', '--channels', '2', '--epochs', '1', '--limit', '16', '--batch-size', '8', '--engine', 'cpu'];
const cli = (args: readonly string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 240_000 });
const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'run-dir-cli-'));
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid;
const oneLine = (stderr: string): string => {
  const lines = stderr.split('\n').filter((l) => l.startsWith('approx-darts: '));
  expect(lines).toHaveLength(1);
  return lines[0] ?? '';
};

describe('search run directories', () => {
  it('refuses a second writer while the first runs, naming its process; a killed run is resumed to the end', async () => {
    const dir = await tmp();
    const args = [...tiny, '--epochs', '4', '--out', dir];
    const first = spawn(process.execPath, [bin, ...args], { stdio: 'ignore' });
    const exited = new Promise<void>((done) => first.on('exit', () => done()));
    while (!existsSync(join(dir, 'run.lock')) && first.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    // Stopped, not finished: with the native kernels the tiny run can end before a second CLI has started.
    first.kill('SIGSTOP');
    const second = cli([...args, '--resume']);
    const stillRunning = first.exitCode === null;
    first.kill('SIGKILL');
    await exited;
    expect(stillRunning).toBe(true);
    expect(second.status).toBe(1);
    expect(oneLine(second.stderr)).toMatch(new RegExp(`is in use by process ${first.pid} .*kill ${first.pid}`));
    // The killed run left its lock (no exit handler ran) and maybe a temporary; the resume takes over and sweeps.
    expect(existsSync(join(dir, 'run.lock'))).toBe(true);
    await mkdir(join(dir, 'checkpoint'), { recursive: true });
    await writeFile(join(dir, 'checkpoint', `tensors-x.bin.tmp-${deadPid()}`), new Uint8Array(1000));
    const resumed = cli([...args, '--resume']);
    expect(resumed.stderr).not.toMatch(/approx-darts: /);
    expect(resumed.status).toBe(0);
    expect((await readJsonl(join(dir, 'metrics.jsonl'))).map((r) => (r as { epoch: number }).epoch)).toEqual([0, 1, 2, 3]);
    expect((await readdir(join(dir, 'checkpoint'))).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(existsSync(join(dir, 'run.lock'))).toBe(false);

    // A resume may change the learning rates, recorded with the epoch; other flags and other data are refused by name.
    const lower = cli([...args, '--resume', '--lr', '0.05', '--arch-lr', '0.0002']);
    expect(lower.status).toBe(0);
    const config = JSON.parse(await readFile(join(dir, 'run-config.json'), 'utf8'));
    expect(config.plan.weights.lr.lr).toBe(0.05);
    expect(config.history).toEqual([
      {
        epoch: 4,
        changed: [
          { path: 'plan.weights.lr.lr', was: 0.1, now: 0.05 },
          { path: 'plan.architecture.lr.lr', was: 0.0001, now: 0.0002 },
        ],
      },
    ]);
    expect(cli([...args, '--resume']).status).toBe(0); // without --lr the run keeps its changed rate
    const batch = cli([...tiny, '--epochs', '4', '--batch-size', '4', '--out', dir, '--resume']);
    expect(oneLine(batch.stderr)).toMatch(/plan\.batchSize \(--batch-size\) is 2 in the run, 4 now/);
    const otherData = cli([...args, '--resume', '--data', shared]);
    expect(oneLine(otherData.stderr)).toMatch(/the training images differ \(the run used 1000 images, sha256 \w+; --data has 5085/);
    const evalSearch = cli(['eval', '--checkpoint', dir, '--data', 'synthetic', '--engine', 'cpu']);
    expect(oneLine(evalSearch.stderr)).toMatch(new RegExp(`--checkpoint ${dir}: ${dir} is a search run, not a training run; train its genotype first`));
    const fresh = cli([...tiny, '--epochs', '4', '--seed', '3', '--out', dir]);
    expect(oneLine(fresh.stderr)).toMatch(/holds a search run with a different configuration .*seed \(--seed\) is 0 in the run, 3 now/);
  });

  it('refuses an empty --out and leaves nothing behind a failed start, so the retry starts fresh', async () => {
    const cwd = await tmp();
    const empty = spawnSync(process.execPath, [bin, ...tiny, '--out', ''], { encoding: 'utf8', cwd });
    expect(oneLine(empty.stderr)).toMatch(/--out: '' is not a directory/);
    expect(await readdir(cwd)).toEqual([]);
    const dir = join(await tmp(), 'run');
    const one = cli([...tiny, '--limit', '1', '--out', dir]);
    expect(oneLine(one.stderr)).toMatch(/--limit 1: too few images/);
    expect(existsSync(dir)).toBe(false);
    const existing = await tmp();
    expect(cli([...tiny, '--limit', '1', '--out', existing]).status).toBe(1);
    expect(await readdir(existing)).toEqual([]);
  });

  it('refuses a directory of the other kind of run before writing into it', async () => {
    const trainDir = await tmp();
    await writeFile(join(trainDir, 'config.json'), '{}');
    const r = cli([...tiny, '--out', trainDir, '--resume']);
    expect(oneLine(r.stderr)).toMatch(/holds a training run, not a search run; choose another --out/);
    expect(await readdir(trainDir)).toEqual(['config.json']);
  });

  it('lists the choices of a bad --order and --preset', () => {
    const r = cli([...tiny, '--order', 'third', '--preset', 'huge', '--out', '/tmp/never']);
    expect(oneLine(r.stderr)).toMatch(/--preset: 'huge' is not one of paper, darts, tiny; --order: 'third' is not one of first, second/);
  });
});

describe('train run directories', () => {
  it('resumes with a lower --lr recorded in the config, refuses other changes by name, and a search run by kind', async () => {
    const dir = await tmp();
    expect(cli([...trainTiny, '--out', dir]).status).toBe(0);
    const more = cli([...trainTiny.map((a, i) => (trainTiny[i - 1] === '--epochs' ? '2' : a)), '--out', dir, '--resume', '--lr', '0.01']);
    expect(oneLine(more.stderr)).toMatch(/plan\.epochs \(--epochs\) is 1 in the run, 2 now/);
    const lower = cli([...trainTiny, '--out', dir, '--resume', '--lr', '0.01']);
    expect(lower.status).toBe(0);
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(config.history).toEqual([{ epoch: 1, changed: [{ path: 'plan.optimizer.lr.lr', was: 0.025, now: 0.01 }] }]);
    expect(cli([...trainTiny, '--out', dir, '--resume']).status).toBe(0);
    const searchDir = await tmp();
    await writeFile(join(searchDir, 'run-config.json'), '{}');
    expect(oneLine(cli([...trainTiny, '--out', searchDir, '--resume']).stderr)).toMatch(/holds a search run, not a training run/);
  });

  it('refuses one cell with the auxiliary head, naming --cells, and a --lut-dir that does not exist', () => {
    const r = cli([...trainTiny, '--cells', '1', '--out', '/tmp/never']);
    expect(oneLine(r.stderr)).toMatch(/--cells 1: the auxiliary head needs two reduction cells/);
    const lut = cli([...trainTiny, '--lut-dir', '/nonexistent/luts', '--out', '/tmp/never']);
    expect(oneLine(lut.stderr)).toBe('approx-darts: --lut-dir /nonexistent/luts: no such directory (/nonexistent/luts)');
    expect(existsSync('/tmp/never')).toBe(false);
  });

  it('takes the network of train --preset: darts is the original DARTS network (C = 36) with its plan, --channels overrides', async () => {
    // Only --cells is given, so the channels come from the preset's macro (libs/schedule/src/run-presets.ts).
    const dir = await tmp();
    const r = cli(['train', '--genotype', 'DARTS_V2', '--data', 'synthetic', '--preset', 'darts', '--cells', '2', '--epochs', '1', '--limit', '8', '--batch-size', '8', '--engine', 'cpu', '--out', dir]);
    expect(r.status, r.stderr).toBe(0);
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { macro: { cells: number; channels: number }; plan: { dropPath: number; optimizer: { weightDecay: number } } };
    expect(config.macro).toMatchObject({ cells: 2, channels: 36 });
    expect(config.plan).toMatchObject({ dropPath: 0.2, optimizer: { weightDecay: 3e-4 } });
    const narrow = await tmp();
    const n = cli(['train', '--genotype', 'DARTS_V2', '--data', 'synthetic', '--preset', 'darts', '--cells', '2', '--channels', '2', '--epochs', '1', '--limit', '8', '--batch-size', '8', '--engine', 'cpu', '--out', narrow]);
    expect(n.status, n.stderr).toBe(0);
    expect((JSON.parse(await readFile(join(narrow, 'config.json'), 'utf8')) as { macro: { channels: number } }).macro.channels).toBe(2);
  });
});
