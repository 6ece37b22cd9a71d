import { join } from 'node:path';
import { genotypeToJson } from '@approx-darts/genotype';
import { writeFileAtomic } from '@approx-darts/run-store';
import type { EpochMetrics, TrainRunConfig } from '@approx-darts/run';
import type { InferenceEnergy } from '../inference-energy';
import { lineChartSpec, renderSvg, type LineChartOptions, type Series } from '@approx-darts/plots';

/** What a training report shows. */
export interface TrainReportInput {
  readonly config: TrainRunConfig;
  readonly metrics: readonly EpochMetrics[];
  readonly parameters: number;
  readonly energy: InferenceEnergy;
  readonly engine: string;
}

/** The plot files a report writes beside report.md. */
export const REPORT_PLOTS = { loss: 'loss.svg', accuracy: 'accuracy.svg', lr: 'lr.svg' } as const;

const pct = (v: number): string => `${(100 * v).toFixed(2)} %`;
const num = (v: number, digits = 4): string => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

/** report.md as text: the run's settings, final and best accuracy, parameters, energy and an epoch table. */
export const trainReportMarkdown = (r: TrainReportInput): string => {
  const { config, metrics } = r;
  const last = metrics[metrics.length - 1];
  const best = metrics.reduce<EpochMetrics | undefined>((b, m) => (b === undefined || m.testAccuracy > b.testAccuracy ? m : b), undefined);
  const seconds = metrics.reduce((s, m) => s + m.seconds, 0);
  const g = genotypeToJson(config.genotype);
  const lines = [
    '# Training report',
    '',
    '| setting | value |',
    '|---|---|',
    `| multiplier | ${config.multiplier} (${config.quantization} quantization) |`,
    `| network | ${config.macro.cells} cells, C = ${config.macro.channels}, auxiliary head ${config.auxiliary ? 'on' : 'off'} |`,
    `| epochs | ${metrics.length} of ${config.plan.epochs} |`,
    `| batch size | ${config.plan.batchSize} |`,
    `| optimizer | ${JSON.stringify(config.plan.optimizer)} |`,
    `| drop path, cutout, auxiliary weight | ${config.plan.dropPath}, ${config.plan.cutout}, ${config.plan.auxiliaryWeight} |`,
    `| training images | ${config.limit ?? 'all'} (test: ${config.testLimit ?? config.limit ?? 'all'}) |`,
    `| seed, engine | ${config.seed}, ${r.engine} |`,
    '',
    '## Results',
    '',
    '| metric | value |',
    '|---|---|',
    `| final test accuracy | ${last ? pct(last.testAccuracy) : 'n/a'} |`,
    `| best test accuracy | ${best ? `${pct(best.testAccuracy)} (epoch ${best.epoch + 1})` : 'n/a'} |`,
    `| final train accuracy | ${last ? pct(last.trainAccuracy) : 'n/a'} |`,
    `| parameters (without auxiliary head) | ${r.parameters.toLocaleString('en-US')} (${(r.parameters / 1e6).toFixed(2)} M) |`,
    `| training time | ${seconds.toFixed(1)} s (${last ? num(last.imagesPerSecond, 1) : 'n/a'} images/s in the last epoch) |`,
    `| arithmetic energy per inference | ${num(r.energy.energyUj, 3)} uJ on ${r.energy.multiplier} |`,
    `| saving vs fp32 / vs exact 8-bit | ${num(r.energy.savingVsFp32Pct, 2)} % / ${num(r.energy.savingVsExact8Pct, 2)} % |`,
    '',
    'Energy counts the multiplications and additions of one inference (auxiliary head excluded) with the',
    'approximated convolutions on the multiplier, at 45 nm (Horowitz, ISSCC 2014), as `approx-darts energy` does.',
    '',
    '## Curves',
    '',
    `![loss](${REPORT_PLOTS.loss}) ![accuracy](${REPORT_PLOTS.accuracy}) ![learning rate](${REPORT_PLOTS.lr})`,
    '',
    '## Epochs',
    '',
    '| epoch | lr | drop path | train loss | train acc | test loss | test acc | max grad norm | s | img/s |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...metrics.map(
      (m) =>
        `| ${m.epoch + 1} | ${num(m.lr, 5)} | ${num(m.dropPath, 3)} | ${num(m.trainLoss)} | ${pct(m.trainAccuracy)} | ${num(m.testLoss)} | ${pct(m.testAccuracy)} | ${num(m.maxGradNorm, 2)} | ${num(m.seconds, 1)} | ${num(m.imagesPerSecond, 1)} |`,
    ),
    '',
    '## Genotype',
    '',
    '```json',
    JSON.stringify(g),
    '```',
    '',
  ];
  return lines.join('\n');
};

/** Writes report.md and its SVG plots into the run directory (atomically, so a regenerated report never tears). */
export const writeTrainReport = async (runDir: string, r: TrainReportInput): Promise<string> => {
  const epochOf = (m: EpochMetrics): number => m.epoch + 1;
  const series = (name: string, f: (m: EpochMetrics) => number): Series => ({ name, points: r.metrics.map((m) => [epochOf(m), f(m)] as const) });
  const plot = async (file: string, lines: readonly Series[], o: LineChartOptions): Promise<void> => writeFileAtomic(join(runDir, file), await renderSvg(lineChartSpec(lines, o)));
  await plot(REPORT_PLOTS.loss, [series('train', (m) => m.trainLoss), series('test', (m) => m.testLoss)], { title: 'Loss', xLabel: 'epoch', yLabel: 'cross-entropy' });
  await plot(REPORT_PLOTS.accuracy, [series('train', (m) => 100 * m.trainAccuracy), series('test', (m) => 100 * m.testAccuracy)], { title: 'Accuracy', xLabel: 'epoch', yLabel: 'accuracy (%)' });
  await plot(REPORT_PLOTS.lr, [series('weights', (m) => m.lr)], { title: 'Learning rate', xLabel: 'epoch', yLabel: 'lr' });
  const path = join(runDir, 'report.md');
  await writeFileAtomic(path, trainReportMarkdown(r));
  return path;
};
