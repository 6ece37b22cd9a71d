import * as t from 'io-ts';
import { Alphas, GenotypeJson, MultiplierAlphas } from '@approx-darts/genotype';
import { RngState } from '@approx-darts/cifar10';

/** Loss and accuracy over a pass. */
export const Measured = t.readonly(t.type({ loss: t.number, accuracy: t.number, images: t.number }));
export type Measured = t.TypeOf<typeof Measured>;

/**
 * What an energy-aware search adds to an epoch's record: softmax(beta) per edge and approximable op, and the expected
 * energy of one inference under the current softmaxes (pJ, and relative to E_ref).
 */
export const MultiplierRecord = t.readonly(t.type({ alphas: MultiplierAlphas, expectedEnergyPj: t.number, referenceEnergyPj: t.number, energyRatio: t.number }));
export type MultiplierRecord = t.TypeOf<typeof MultiplierRecord>;

/** One line of `metrics.jsonl`: what an epoch of the search measured and where the architecture stands. */
export const EpochRecord = t.readonly(
  t.intersection([t.type({
    epoch: t.number,
    /** Weights-only warm-up epoch (no architecture step). */
    warmup: t.boolean,
    train: Measured,
    /** Inference-mode pass over the architecture half (DARTS's `infer`). */
    valid: Measured,
    lr: t.readonly(t.type({ weights: t.number, architecture: t.number })),
    seconds: t.number,
    imagesPerSecond: t.number,
    /** softmax(alpha) per cell type, rows = edges. */
    alphas: Alphas,
    genotype: GenotypeJson,
  }), t.partial({ multipliers: MultiplierRecord })]),
);
export type EpochRecord = t.TypeOf<typeof EpochRecord>;

/** The JSON part of a search checkpoint: completed epochs and the data streams' generator states. */
export const SearchCheckpointMeta = t.readonly(
  t.type({
    kind: t.literal('approx-darts-search'),
    /** Number of completed epochs. */
    epoch: t.number,
    rng: t.readonly(t.type({ weights: RngState, architecture: RngState })),
  }),
);
export type SearchCheckpointMeta = t.TypeOf<typeof SearchCheckpointMeta>;
