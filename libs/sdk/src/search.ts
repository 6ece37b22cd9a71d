import { stratifiedLimit, type Records } from '@approx-darts/cifar10';
import { TINY_SEARCH_PLAN, type BiLevelPlan } from '@approx-darts/schedule';
import type { SearchSpace } from '@approx-darts/search-space';
import type { LutOptions } from '@approx-darts/io';
import { runSearch, type EpochRecord, type SearchResult, type StepEvent } from '@approx-darts/run';
import { selectEngine, type EngineInfo, type EngineName } from '@approx-darts/engines';
import { loadBindings, type Quantization, type RunMultiplier } from './bindings';

/** A search of a composed space: what `searchSpace` needs besides the space. */
export interface SpaceSearch {
  readonly space: SearchSpace;
  /** Training images; the search splits them into a weight half and an architecture half. */
  readonly train: Records;
  /** Run directory: metrics.jsonl, genotype.json, alphas.svg, checkpoint/. */
  readonly outDir: string;
  /** Default: the tiny plan (2 epochs, the first weights only, batch 16). */
  readonly plan?: BiLevelPlan;
  /** Search on a stratified subset of this many images. */
  readonly limit?: number;
  readonly seed?: number;
  /** Absent: each op on the table the space binds it to; null: exact float; a table: see `loadBindings`. */
  readonly multiplier?: RunMultiplier;
  readonly lut?: LutOptions;
  readonly quantization?: Quantization;
  /** Default 'cpu'. */
  readonly engine?: EngineName;
  /** Continue from the checkpoint in outDir. */
  readonly resume?: boolean;
  readonly onStep?: (e: StepEvent) => void;
  readonly onEpoch?: (r: EpochRecord) => void;
}

/**
 * Searches a space: selects the engine, loads the tables its ops use, and runs the bi-level DARTS search
 * (`runSearch`), writing the run directory as `approx-darts search` does. The result's genotype carries the
 * space's op sets when its names alone cannot rebuild them, so `trainGenotype` can build it.
 */
export const searchSpace = async (o: SpaceSearch): Promise<SearchResult & { readonly engine: EngineInfo }> => {
  const engine = await selectEngine(o.engine ?? 'cpu');
  const bindingOf = await loadBindings(o.space, o.multiplier, o.lut, o.quantization);
  const seed = o.seed ?? 0;
  const result = await runSearch({
    space: o.space,
    plan: o.plan ?? TINY_SEARCH_PLAN,
    seed,
    records: o.train,
    ...(o.limit !== undefined ? { indices: stratifiedLimit(o.train.labels, Math.min(o.limit, o.train.count), seed) } : {}),
    bindingOf,
    outDir: o.outDir,
    resume: o.resume === true,
    ...(o.onStep ? { onStep: o.onStep } : {}),
    ...(o.onEpoch ? { onEpoch: o.onEpoch } : {}),
  });
  return { ...result, engine };
};
