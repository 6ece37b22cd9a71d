import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

// End to end through the real command: a tiny train run on the shared CIFAR-10 subset, then one checkpoint
// evaluated under two multipliers in one `eval` call.

const CLI = resolve(process.cwd(), 'apps/cli/bin/approx-darts.mjs');
const DATA = resolve(process.cwd(), '../shared/datasets/cifar-10-partial');

const cli = (args: readonly string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('approx-darts train + eval', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'e2e-train-')), 'run');
  let train: ReturnType<typeof cli>;

  beforeAll(() => {
    train = cli([
      'train', '--genotype', 'DARTS_V2', '--data', DATA, '--multiplier', 'fp32',
      '--cells', '3', '--channels', '4', '--epochs', '1', '--batch-size', '32', '--limit', '64', '--test-limit', '64',
      '--seed', '1', '--out', out, '--profile',
    ]);
  });

  it('--profile writes the kernels per training step to profile.json', () => {
    const profile = JSON.parse(readFileSync(join(out, 'profile.json'), 'utf8')) as { steps: number; perStep: { kernels: number; dispatches: number | null }; byKernel: Record<string, { count: number }> };
    // 64 images at batch 32: two training steps; the test pass is not a step.
    expect(profile.steps).toBe(2);
    expect(profile.perStep.dispatches).toBeNull();
    expect(profile.perStep.kernels).toBeGreaterThan(100);
    expect(profile.byKernel['Conv2D']?.count).toBeGreaterThan(0);
    expect(train.stderr).toMatch(/profile: 2 steps on cpu/);
  });

  it('trains a tiny network and writes metrics, checkpoint and report', () => {
    expect(train.stderr).not.toMatch(/approx-darts: /);
    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(/test accuracy \d+\.\d+% after 1 epochs/);
    const metrics = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(metrics).toHaveLength(1);
    expect(metrics[0]).toMatchObject({ epoch: 0, epochs: 1, lr: 0.025 });
    for (const f of ['config.json', 'checkpoint/checkpoint.json', 'report.md', 'loss.svg', 'accuracy.svg', 'lr.svg']) expect(existsSync(join(out, f)), f).toBe(true);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('final test accuracy');
    expect(report).toMatch(/parameters \(without auxiliary head\) \| [\d,]+/);
    expect(readFileSync(join(out, 'loss.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
  });

  it('evaluates one checkpoint under fp32 and mul8u_DM1 in one command, with different accuracies', () => {
    const r = cli(['eval', '--checkpoint', out, '--data', DATA, '--multiplier', 'fp32,mul8u_DM1', '--limit', '400', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { rows: { multiplier: string; accuracy: number; energyUj: number; savingVsFp32Pct: number }[] };
    const [fp32, dm1] = report.rows;
    console.log(`eval of one checkpoint on 400 test images: fp32 ${fp32?.accuracy}, mul8u_DM1 ${dm1?.accuracy}`);
    expect(report.rows.map((x) => x.multiplier)).toEqual(['fp32', 'mul8u_DM1']);
    expect(dm1!.accuracy).not.toBe(fp32!.accuracy);
    expect(dm1!.energyUj).toBeLessThan(fp32!.energyUj);
    expect(dm1!.savingVsFp32Pct).toBeGreaterThan(0);
    // The evaluation is kept in the run: eval.json as printed, eval.md as a table.
    expect(JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8'))).toEqual(report);
    const md = readFileSync(join(out, 'eval.md'), 'utf8');
    expect(md).toContain('| multiplier | accuracy % | energy uJ | saving vs fp32 % | saving vs 8-bit exact % |');
    expect(md).toMatch(/^\| fp32 \| [\d.]+ \| [\d.]+ \| — \| — \|$/m);
    expect(md).toMatch(/^\| mul8u_DM1 \| [\d.]+ \| [\d.]+ \| \d+\.\d\d \| \d+\.\d\d \|$/m);
  });

  it('prints a table by default', () => {
    const r = cli(['eval', '--checkpoint', join(out, 'checkpoint'), '--data', DATA, '--multiplier', 'fp32', '--limit', '20']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/multiplier\s+accuracy %\s+energy uJ\s+saving vs fp32 %/);
    expect(r.stdout).toMatch(/^fp32\s+\d+\.\d\d\s+\d+\.\d{3}\s+—\s+—$/m);
  });

  it('refuses to overwrite a finished run without --resume', () => {
    const r = cli(['train', '--genotype', 'DARTS_V2', '--data', DATA, '--cells', '3', '--channels', '4', '--epochs', '1', '--batch-size', '32', '--limit', '64', '--test-limit', '64', '--seed', '1', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already holds a training checkpoint \(epoch 1\); pass --resume/);
  });

  it('names the bad input', () => {
    const empty = mkdtempSync(join(tmpdir(), 'e2e-empty-'));
    const noCheckpoint = cli(['eval', '--checkpoint', empty, '--data', DATA]);
    expect(noCheckpoint.code).toBe(1);
    expect(noCheckpoint.stderr).toContain(`no training checkpoint in ${join(empty, 'checkpoint')}`);
    const badTable = cli(['eval', '--checkpoint', out, '--data', DATA, '--multiplier', 'mul8u_NOPE']);
    expect(badTable.code).toBe(1);
    expect(badTable.stderr).toMatch(/--multiplier mul8u_NOPE/);
    // A table without a power figure is refused before any evaluation (it was refused after all of them, losing them).
    const unpriced = join(empty, 'mul8u_UNPRICED.bin');
    copyFileSync(resolve(process.cwd(), '../shared/multipliers/mul8u_NGR.bin'), unpriced);
    const noPower = cli(['eval', '--checkpoint', out, '--data', DATA, '--multiplier', `fp32,${unpriced}`, '--limit', '64']);
    expect(noPower.code).toBe(1);
    expect(noPower.stderr).toMatch(/no power figure for mul8u_UNPRICED/);
    expect(noPower.stderr).not.toMatch(/eval fp32/);
    const badFlag = cli(['train', '--genotype', 'DARTS_V2', '--data', DATA, '--channels', 'many', '--out', join(empty, 'x')]);
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toMatch(/--channels: 'many'/);
  });
});
