import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DARTS_V2 } from '@approx-darts/genotype';
import { PAPER_TRAIN_PLAN } from '@approx-darts/schedule';
import type { EpochMetrics, TrainRunConfig } from '@approx-darts/run';
import { trainReportMarkdown, writeTrainReport } from './train-report';

const config: TrainRunConfig = {
  genotype: DARTS_V2,
  macro: { cells: 3, channels: 4, stemMultiplier: 3, classes: 10 },
  plan: PAPER_TRAIN_PLAN,
  multiplier: 'mul8u_NGR',
  quantization: 'asymmetric',
  seed: 0,
  auxiliary: true,
};
const epoch = (e: number, testAccuracy: number): EpochMetrics => ({
  epoch: e,
  epochs: 3,
  lr: 0.025,
  dropPath: 0.1 * e,
  trainLoss: 2 - e * 0.1,
  trainAccuracy: 0.2 + 0.1 * e,
  testLoss: 2.1 - e * 0.1,
  testAccuracy,
  maxGradNorm: 3,
  seconds: 10,
  imagesPerSecond: 100,
});
const energy = { multiplier: 'mul8u_NGR', powerMw: 0.276, energyUj: 1.5, fp32EnergyUj: 3, exact8EnergyUj: 1.6, savingVsFp32Pct: 50, savingVsExact8Pct: 6.25 };

describe('training report', () => {
  it('states final and best accuracy, parameters and energy', () => {
    const md = trainReportMarkdown({ config, metrics: [epoch(0, 0.3), epoch(1, 0.5), epoch(2, 0.4)], parameters: 4_250_000, energy, engine: 'cpu' });
    expect(md).toContain('| final test accuracy | 40.00 % |');
    expect(md).toContain('| best test accuracy | 50.00 % (epoch 2) |');
    expect(md).toContain('4,250,000 (4.25 M)');
    expect(md).toContain('1.500 uJ on mul8u_NGR');
    expect(md).toContain('50.00 % / 6.25 %');
    expect(md.match(/^\| \d \|/gm)).toHaveLength(3);
  });

  it('writes report.md and three SVG plots', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'report-'));
    await writeTrainReport(dir, { config, metrics: [epoch(0, 0.3)], parameters: 10, energy, engine: 'cpu' });
    expect((await readdir(dir)).sort()).toEqual(['accuracy.svg', 'loss.svg', 'lr.svg', 'report.md']);
    const svg = await readFile(join(dir, 'accuracy.svg'), 'utf8');
    for (const label of ['Accuracy', 'epoch', 'accuracy (%)', 'train', 'test']) expect(svg).toContain(`>${label}</text>`);
  });
});
