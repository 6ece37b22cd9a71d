import { csvOf } from '@approx-darts/run-store';
import { formatGenotype, decodeGenotypeJson } from '@approx-darts/genotype';
import type { EpochRecord } from './search-records';

/** The columns of a search's metrics.csv, in order. */
export const SEARCH_CSV_COLUMNS = [
  'epoch',
  'warmup',
  'train_loss',
  'train_accuracy',
  'valid_loss',
  'valid_accuracy',
  'lr_weights',
  'lr_architecture',
  'seconds',
  'images_per_second',
  'expected_energy_pj',
  'energy_ratio',
  'genotype',
] as const;

/**
 * metrics.csv: metrics.jsonl's epoch records flattened to one row each (epochs counted from 1), for spreadsheets and
 * pandas; the alphas stay in the JSONL.
 * @example searchMetricsCsv([]) === `${SEARCH_CSV_COLUMNS.join(',')}\n`
 */
export const searchMetricsCsv = (history: readonly EpochRecord[]): string =>
  csvOf(
    SEARCH_CSV_COLUMNS,
    history.map((r) => {
      const g = decodeGenotypeJson(r.genotype);
      return {
        epoch: r.epoch + 1,
        warmup: r.warmup,
        train_loss: r.train.loss,
        train_accuracy: r.train.accuracy,
        valid_loss: r.valid.loss,
        valid_accuracy: r.valid.accuracy,
        lr_weights: r.lr.weights,
        lr_architecture: r.lr.architecture,
        seconds: r.seconds,
        images_per_second: r.imagesPerSecond,
        expected_energy_pj: r.multipliers?.expectedEnergyPj,
        energy_ratio: r.multipliers?.energyRatio,
        genotype: g._tag === 'Right' ? formatGenotype(g.right).replace(/\n/g, ' | ') : JSON.stringify(r.genotype),
      };
    }),
  );
