import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import { selectEngine } from '@approx-darts/engines';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCifar10, type Cifar10 } from '@approx-darts/cifar10';
import { DARTS_V2 } from '@approx-darts/genotype';
import { PAPER_TRAIN_PLAN } from '@approx-darts/schedule';
import { exactTable } from '@approx-darts/multipliers';
import { readJsonl } from '@approx-darts/run-store';
import { DivergedError, evaluateCheckpoint, loadTrainCheckpoint, paramsOfCheckpoint, runTraining, RUN_FILES, type TrainRunConfig } from '@approx-darts/run';
import { withoutSyncReads } from '@approx-darts/kernels/testing';

const DATA = resolve(process.cwd(), '../shared/datasets/cifar-10-partial');
let data: Cifar10;

beforeAll(async () => {
  // The cpu engine (tfjs-backend-cpu with the project's fast kernels), as the CLI runs it: about ten times faster.
  await selectEngine('cpu');
  data = await loadCifar10(DATA);
});

const tinyConfig = (over: Partial<TrainRunConfig> = {}): TrainRunConfig => ({
  genotype: DARTS_V2,
  macro: { cells: 3, channels: 4, stemMultiplier: 3, classes: 10 },
  plan: { ...PAPER_TRAIN_PLAN, epochs: 2, batchSize: 4 },
  multiplier: 'fp32',
  quantization: 'asymmetric',
  seed: 7,
  auxiliary: true,
  limit: 8,
  testLimit: 4,
  ...over,
});

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'train-run-'));

describe('runTraining', () => {
  it('writes metrics and a checkpoint per epoch, and a resumed run continues exactly, reading only asynchronously', async () => {
    const straight = await tempDir();
    // Synchronous reads throw, as on the webgpu engine: training, evaluation and checkpoints read asynchronously.
    const result = await withoutSyncReads(() => runTraining({ runDir: straight, config: tinyConfig(), data, binding: null, resume: false }));
    expect(result.metrics.map((m) => m.epoch)).toEqual([0, 1]);
    const lines = await readJsonl(join(straight, RUN_FILES.metrics));
    expect(lines).toHaveLength(2);
    const first = result.metrics[0]!;
    expect(first.lr).toBeCloseTo(0.025, 10); // cosine at epoch 0
    expect(first.dropPath).toBe(0);
    expect(result.metrics[1]!.dropPath).toBeCloseTo(0.15); // 0.3 * 1 / 2
    expect(result.metrics[1]!.lr).toBeCloseTo(0.0125, 10);
    for (const m of result.metrics) {
      expect(m.trainAccuracy).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(m.trainLoss) && Number.isFinite(m.testLoss)).toBe(true);
    }
    expect(JSON.parse(await readFile(join(straight, RUN_FILES.config), 'utf8')).genotype.normal[0]).toEqual(['sep_conv_3x3', 0]);

    // Same run interrupted after its first epoch, then resumed.
    const interrupted = await tempDir();
    await expect(
      runTraining({
        runDir: interrupted,
        config: tinyConfig(),
        data,
        binding: null,
        resume: false,
        hooks: {
          onEpochEnd: () => {
            throw new Error('interrupted');
          },
        },
      }),
    ).rejects.toThrow('interrupted');
    expect((await loadTrainCheckpoint(interrupted))?.meta.epoch).toBe(1);
    await expect(runTraining({ runDir: interrupted, config: tinyConfig(), data, binding: null, resume: false })).rejects.toThrow(/--resume/);
    await expect(runTraining({ runDir: interrupted, config: tinyConfig({ seed: 8 }), data, binding: null, resume: true })).rejects.toThrow(/different settings: seed is 7 in the run, 8 now/);
    const resumed = await withoutSyncReads(() => runTraining({ runDir: interrupted, config: tinyConfig(), data, binding: null, resume: true }));
    expect(resumed.startEpoch).toBe(1);
    expect(resumed.metrics.map((m) => m.epoch)).toEqual([0, 1]);
    expect(resumed.metrics[1]!.trainLoss).toBe(result.metrics[1]!.trainLoss);
    expect(resumed.metrics[1]!.testAccuracy).toBe(result.metrics[1]!.testAccuracy);
    const a = paramsOfCheckpoint((await loadTrainCheckpoint(straight))!.tensors);
    const b = paramsOfCheckpoint((await loadTrainCheckpoint(interrupted))!.tensors);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const k of Object.keys(a)) expect(Array.from(b[k]!.data), k).toEqual(Array.from(a[k]!.data));
  });

  it('stops on a non-finite loss and keeps the last good checkpoint', async () => {
    const dir = await tempDir();
    // Epoch 0 trains normally; from epoch 1 the learning rate is absurd, so the weights blow up.
    const plan = { ...PAPER_TRAIN_PLAN, epochs: 2, batchSize: 4, optimizer: { ...PAPER_TRAIN_PLAN.optimizer, lr: { kind: 'warmup' as const, epochs: 1, from: 0.01, then: { kind: 'constant' as const, lr: 1e38 } } } };
    const run = runTraining({ runDir: dir, config: tinyConfig({ plan, auxiliary: false }), data, binding: null, resume: false });
    await expect(run).rejects.toBeInstanceOf(DivergedError);
    await expect(run).rejects.toThrow(/at epoch 2, batch/);
    const kept = await loadTrainCheckpoint(dir);
    expect(kept?.meta.epoch).toBe(1);
    expect(Object.values(paramsOfCheckpoint(kept!.tensors)).every((p) => p.data.every(Number.isFinite))).toBe(true);
    expect(await readJsonl(join(dir, RUN_FILES.metrics))).toHaveLength(1);
  });
});

describe('runTraining on an approximate multiplier', () => {
  it('trains through the approximate kernels and checkpoints the recorded input ranges', async () => {
    const dir = await tempDir();
    const config = tinyConfig({ multiplier: 'mul8u_1JFF', auxiliary: false, plan: { ...PAPER_TRAIN_PLAN, epochs: 1, batchSize: 4 } });
    const result = await runTraining({ runDir: dir, config, data, binding: { table: exactTable(), quantization: 'asymmetric', perChannelWeights: false }, resume: false });
    expect(Number.isFinite(result.metrics[0]!.trainLoss)).toBe(true);
    const params = paramsOfCheckpoint((await loadTrainCheckpoint(dir))!.tensors);
    const ranges = Object.entries(params).filter(([name]) => name.endsWith('.input_range'));
    expect(ranges.length).toBeGreaterThan(0);
    // 8 training images in batches of 4: every approximate conv saw two batches and holds a real range.
    for (const [name, r] of ranges) {
      expect(r.data[2], name).toBe(2);
      expect(r.data[0]!, name).toBeLessThan(r.data[1]!);
    }
    // Re-evaluating the checkpoint quantizes with those ranges, without a synchronous read, and reproduces the test
    // figures of the run's last epoch (same network, same 4 test images).
    const checkpoint = (await loadTrainCheckpoint(dir))!;
    const evaluation = await withoutSyncReads(() =>
      evaluateCheckpoint({ config, tensors: checkpoint.tensors, binding: { table: exactTable(), quantization: 'asymmetric', perChannelWeights: false }, test: data.test, limit: 4, batchSize: 4 }),
    );
    expect(evaluation.images).toBe(4);
    expect(evaluation.accuracy).toBe(result.metrics[0]!.testAccuracy);
    expect(evaluation.loss).toBe(result.metrics[0]!.testLoss);
  });
});
