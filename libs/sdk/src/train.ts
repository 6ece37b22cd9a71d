import type { LabelledSplits } from '@approx-darts/cifar10';
import { genotypeOperations, type Genotype } from '@approx-darts/genotype';
import { TINY_TRAIN_PLAN, type TrainPlan } from '@approx-darts/schedule';
import { multipliersOf, PAPER_EVAL_MACRO, type Macro } from '@approx-darts/search-space';
import { isFp32 } from '@approx-darts/multipliers';
import { loadMultiplierTable, type LutOptions } from '@approx-darts/io';
import { runTraining, type TrainHooks, type TrainRunResult } from '@approx-darts/run';
import { selectEngine, type EngineName } from '@approx-darts/engines';
import type { Quantization } from './bindings';

/** A training run of a genotype: what `trainGenotype` needs besides it. */
export interface GenotypeTraining {
  readonly genotype: Genotype;
  readonly data: LabelledSplits;
  /** Run directory: config.json, metrics.jsonl, checkpoint/. */
  readonly outDir: string;
  /** Default: the paper's evaluation network (20 cells, C = 32). */
  readonly macro?: Macro;
  /** Default: the tiny plan (2 epochs, batch 32). */
  readonly plan?: TrainPlan;
  /**
   * The run's table (one per training run): on the ops the genotype's op sets bind, or on every approximable op
   * when it binds none; null or 'fp32' for exact float. Absent: the one table the genotype's op sets bind, else fp32.
   */
  readonly multiplier?: string | null;
  readonly lut?: LutOptions;
  readonly quantization?: Quantization;
  readonly seed?: number;
  readonly auxiliary?: boolean;
  /** Train and test on stratified subsets of this many images. */
  readonly limit?: number;
  readonly testLimit?: number;
  readonly engine?: EngineName;
  readonly resume?: boolean;
  readonly hooks?: TrainHooks;
}

/** The table a training run uses when none is named: the genotype's own, if it binds exactly one. */
const ownTable = (genotype: Genotype): string | null => {
  const sets = genotypeOperations(genotype);
  if (sets._tag === 'Left') throw new Error(`genotype: ${sets.left.split('\n').join('; ')}`);
  const tables = multipliersOf(sets.right);
  if (tables.length > 1) throw new Error(`the genotype binds ${tables.join(', ')}: name the one table of this training run (multiplier)`);
  return tables[0] ?? null;
};

/**
 * Trains the evaluation network of a genotype (`runTraining`): selects the engine, loads the run's table, and
 * writes the run directory as `approx-darts train` does (without the report).
 */
export const trainGenotype = async (o: GenotypeTraining): Promise<TrainRunResult> => {
  await selectEngine(o.engine ?? 'cpu');
  const named = o.multiplier === undefined ? ownTable(o.genotype) : o.multiplier;
  const table = named === null || isFp32(named) ? null : await loadMultiplierTable(named, o.lut ?? {});
  const quantization = o.quantization ?? 'asymmetric';
  const plan = o.plan ?? TINY_TRAIN_PLAN;
  return runTraining({
    runDir: o.outDir,
    config: {
      genotype: o.genotype,
      macro: o.macro ?? PAPER_EVAL_MACRO,
      plan: o.auxiliary === false ? { ...plan, auxiliaryWeight: 0 } : plan,
      multiplier: table?.name ?? 'fp32',
      quantization,
      seed: o.seed ?? 0,
      auxiliary: o.auxiliary ?? true,
      ...(o.limit !== undefined ? { limit: o.limit } : {}),
      ...(o.testLimit !== undefined ? { testLimit: o.testLimit } : {}),
    },
    data: { train: o.data.train, test: o.data.test },
    binding: table === null ? null : { table, quantization, perChannelWeights: false },
    resume: o.resume === true,
    ...(o.hooks ? { hooks: o.hooks } : {}),
  });
};
