import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { readJsonl } from '@approx-darts/run-store';
import { EpochMetrics, EpochRecord, RUN_FILES, TrainRunConfig } from '@approx-darts/run';
import { evalNetworkPlan, planTotals } from '@approx-darts/network-plan';
import { EVAL_OUTPUT, type Job, type JobGraph, type NetworkOutcome, type SearchOutcome } from '@approx-darts/sweep';
import { inferenceEnergy } from '../inference-energy';

/** The part of `eval --json` the report reads. */
const EvalOutput = t.type({
  rows: t.array(t.type({ multiplier: t.string, accuracy: t.number, energyUj: t.number, savingVsFp32Pct: t.number, savingVsExact8Pct: t.number })),
});

/** A job's file: undefined when absent; a problem naming the file when it is not JSON or not what the report reads. */
const readJson = async <A>(codec: t.Decoder<unknown, A>, path: string, unreadable: string[]): Promise<A | undefined> => {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const json = E.tryCatch(() => JSON.parse(text) as unknown, (e) => (e instanceof Error ? e.message : String(e)));
  const decoded = E.isLeft(json) ? json : E.mapLeft(() => 'not what the report reads')(codec.decode(json.right));
  if (E.isRight(decoded)) return decoded.right;
  unreadable.push(`${path}: ${E.isLeft(json) ? `not JSON (${json.left})` : decoded.left}`);
  return undefined;
};

/** Parameters of the evaluation network as `energy` counts them (the main network, no auxiliary head). */
const paramsOf = (config: TrainRunConfig): number => {
  const plan = evalNetworkPlan(config.genotype, { ...config.macro, auxiliary: false, multiplier: config.multiplier });
  return E.isRight(plan) ? planTotals(plan.right).params : NaN;
};

/**
 * What the finished jobs of a sweep measured: each search's wall time, and each trained network's accuracy under each
 * multiplier it was evaluated under (its eval jobs), or its own final test accuracy when no eval job reads it; and
 * the files that could not be read (their rows are left out, and the report says so).
 */
export const collectOutcomes = async (
  graph: JobGraph,
  finished: ReadonlySet<string>,
  lutDir: string | undefined,
): Promise<{ readonly searches: readonly SearchOutcome[]; readonly networks: readonly NetworkOutcome[]; readonly unreadable: readonly string[] }> => {
  const unreadable: string[] = [];
  const searches: SearchOutcome[] = [];
  const networks: NetworkOutcome[] = [];
  const gpusOf = (job: Job): number => job.resources.gpus ?? 0;
  const jobs = graph.jobs.filter((j) => finished.has(j.id));
  for (const job of jobs.filter((j) => j.kind === 'search')) {
    const records = (await readJsonl(join(job.runDir, 'metrics.jsonl'))).filter(EpochRecord.is);
    searches.push({ searchedWith: job.searchedWith, seconds: records.reduce((a, r) => a + r.seconds, 0), gpus: gpusOf(job) });
  }
  const evaluated = new Set(graph.jobs.filter((j) => j.kind === 'eval').flatMap((j) => j.deps));
  for (const train of jobs.filter((j) => j.kind === 'train')) {
    const config = await readJson(TrainRunConfig, join(train.runDir, RUN_FILES.config), unreadable);
    if (config === undefined) continue;
    const params = paramsOf(config);
    const base = { searchedWith: train.searchedWith, trainedWith: train.trainedWith!, params };
    if (evaluated.has(train.id)) {
      for (const ev of jobs.filter((j) => j.kind === 'eval' && j.deps.includes(train.id))) {
        const out = await readJson(EvalOutput, join(ev.runDir, EVAL_OUTPUT), unreadable);
        for (const row of out?.rows ?? []) {
          networks.push({ ...base, evaluatedUnder: row.multiplier, accuracy: row.accuracy, energyUj: row.energyUj, savingVsFp32Pct: row.savingVsFp32Pct, savingVsExact8Pct: row.savingVsExact8Pct });
        }
      }
    } else {
      const metrics = (await readJsonl(join(train.runDir, RUN_FILES.metrics))).filter(EpochMetrics.is);
      const last = metrics[metrics.length - 1];
      if (last === undefined) continue;
      const energy = await inferenceEnergy(config.genotype, config.macro, config.multiplier, lutDir);
      networks.push({ ...base, evaluatedUnder: energy.multiplier, accuracy: last.testAccuracy, energyUj: energy.energyUj, savingVsFp32Pct: energy.savingVsFp32Pct, savingVsExact8Pct: energy.savingVsExact8Pct });
    }
  }
  return { searches, networks, unreadable };
};
