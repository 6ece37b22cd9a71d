import * as t from 'io-ts';
import { GenotypeFromJson } from '@approx-darts/genotype';
import { Macro } from '@approx-darts/search-space';
import { TrainPlan } from '@approx-darts/schedule';
import { DataIdentity, RngState } from '@approx-darts/cifar10';
import { ConfigHistory } from '@approx-darts/run-store';
import { RecordedPadding } from '../run-config/recorded-padding';

/** Everything that fixes a training run; stored as config.json in the run directory and in every checkpoint. */
export const TrainRunConfig = t.readonly(
  t.intersection([
    t.type({
      genotype: GenotypeFromJson,
      macro: Macro,
      plan: TrainPlan,
      /** `fp32` or a table name / path (the approximate multiplier of every sep/dil conv). */
      multiplier: t.string,
      quantization: t.keyof({ asymmetric: null, symmetric: null }),
      seed: t.number,
      auxiliary: t.boolean,
    }),
    t.partial({
      /** Where stride-2 windows pad (`--padding`); 'same' when absent (runs from before it was recorded). */
      padding: RecordedPadding,
      /** The weights the run started from (`--init-from`: the file and its sha256), absent = seeded initialization. */
      initFrom: t.readonly(t.type({ file: t.string, sha256: t.string })),
      /** Train on a stratified subset of this many images (`--limit`). */
      limit: t.number,
      /** Evaluate on a stratified subset of this many test images. */
      testLimit: t.number,
      /** The images trained and tested on (absent in runs from before it was recorded). */
      data: DataIdentity,
      /** What resumes changed (learning rate, clip), oldest first. */
      history: ConfigHistory,
    }),
  ]),
);
export type TrainRunConfig = t.TypeOf<typeof TrainRunConfig>;

/** One line of metrics.jsonl: one finished epoch (0-based `epoch`). */
export const EpochMetrics = t.readonly(
  t.type({
    epoch: t.number,
    epochs: t.number,
    lr: t.number,
    dropPath: t.number,
    trainLoss: t.number,
    trainAccuracy: t.number,
    testLoss: t.number,
    testAccuracy: t.number,
    /** Largest global gradient norm seen this epoch, before clipping. */
    maxGradNorm: t.number,
    seconds: t.number,
    imagesPerSecond: t.number,
  }),
);
export type EpochMetrics = t.TypeOf<typeof EpochMetrics>;

/** The metadata of a training checkpoint: completed epochs, the run's config, and the generators' states. */
export const TrainCheckpointMeta = t.readonly(
  t.type({
    kind: t.literal('approx-darts-train'),
    /** Epochs completed; a resume starts at this epoch. */
    epoch: t.number,
    config: TrainRunConfig,
    rng: t.readonly(t.type({ data: RngState, dropPath: RngState })),
    last: EpochMetrics,
  }),
);
export type TrainCheckpointMeta = t.TypeOf<typeof TrainCheckpointMeta>;
