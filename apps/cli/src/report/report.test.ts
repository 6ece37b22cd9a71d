import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { DARTS_V2 } from '@approx-darts/genotype';
import { PAPER_TRAIN_PLAN } from '@approx-darts/schedule';
import type { EpochMetrics, TrainRunConfig } from '@approx-darts/run';
import { linePlot, niceTicks } from './svg-plot';
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
    expect(svg).toContain('<circle'); // one epoch: a dot, not a line
  });
});

describe('linePlot', () => {
  it('draws one polyline per series with every point inside the plot area', () => {
    const svg = linePlot(
      [
        { name: 'train', points: [[1, 2], [2, 1], [3, 0.5]] },
        { name: 'test', points: [[1, 2.2], [2, 1.4], [3, 1]] },
      ],
      { title: 'Loss', xLabel: 'epoch', yLabel: 'loss', width: 400, height: 300 },
    );
    const lines = [...svg.matchAll(/<polyline[^>]*points="([^"]+)"/g)].map((m) => m[1]!.split(' ').map((p) => p.split(',').map(Number)));
    expect(lines).toHaveLength(2);
    for (const [x, y] of lines.flat()) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(400);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(300);
    }
    expect(svg).toContain('>train</text>');
  });

  it('escapes text', () => {
    expect(linePlot([], { title: 'a < b & c', xLabel: 'x', yLabel: 'y' })).toContain('a &lt; b &amp; c');
  });

  it('keeps ticks inside the range far from zero (a counterexample fast-check once found)', () => {
    const [lo, span] = [999999.9999999999, 0.001];
    const ticks = niceTicks(lo, lo + span);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    for (const t of ticks) expect(t).toBeLessThanOrEqual(lo + span + span * 1e-9);
  });

  test.prop([fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-3, max: 1e6, noNaN: true })], { seed: 20261202, numRuns: 500 })('ticks lie in the range and increase', (lo, span) => {
    const ticks = niceTicks(lo, lo + span);
    expect(ticks.length).toBeGreaterThan(0);
    for (const t of ticks) {
      expect(t).toBeGreaterThanOrEqual(lo - span * 1e-9);
      expect(t).toBeLessThanOrEqual(lo + span + span * 1e-9);
    }
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]!).toBeGreaterThan(ticks[i - 1]!);
  });
});
