import { copyFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readJsonl, writeJsonAtomic } from '@approx-darts/run-store';
import { EpochRecord } from '@approx-darts/run';
import { SELECTION_FILE } from '@approx-darts/sweep';
import { CliError } from '../cli-error';

/** One candidate: a search run and the validation accuracy of its last epoch. */
export interface Candidate {
  readonly run: string;
  readonly validAccuracy: number;
  readonly epochs: number;
}

const candidate = async (run: string): Promise<Candidate> => {
  const records = (await readJsonl(join(run, 'metrics.jsonl')).catch((): readonly unknown[] => [])).filter(EpochRecord.is);
  const last = records[records.length - 1];
  if (last === undefined || !existsSync(join(run, 'genotype.json'))) throw new CliError(`${run}: not a finished search (no metrics.jsonl epochs or genotype.json)`);
  return { run, validAccuracy: last.valid.accuracy, epochs: records.length };
};

/**
 * The "best architecture of a group": the search whose last epoch has the highest validation accuracy (the first
 * listed on a tie, so the choice is reproducible). Its genotype.json is copied into `out` with selection.json saying
 * why, which is what the train jobs downstream read.
 */
export const pickBest = async (out: string, runs: readonly string[]): Promise<Candidate> => {
  if (runs.length === 0) throw new CliError('sweep pick: name at least one search run directory');
  const candidates = await Promise.all(runs.map((r) => candidate(resolve(r))));
  const best = candidates.reduce((a, b) => (b.validAccuracy > a.validAccuracy ? b : a));
  await mkdir(out, { recursive: true });
  await copyFile(join(best.run, 'genotype.json'), join(out, 'genotype.json'));
  await writeJsonAtomic(join(out, SELECTION_FILE), { metric: 'last epoch valid accuracy', chosen: best, candidates });
  return best;
};
