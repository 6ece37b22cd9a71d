import * as t from 'io-ts';
import { Alphas, GenotypeJson } from '@approx-darts/genotype';
import { RngState } from '@approx-darts/cifar10';

/** Loss and accuracy over a pass. */
export const Measured = t.readonly(t.type({ loss: t.number, accuracy: t.number, images: t.number }));
export type Measured = t.TypeOf<typeof Measured>;

/** One line of `metrics.jsonl`: what an epoch of the search measured and where the architecture stands. */
export const EpochRecord = t.readonly(
  t.type({
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
  }),
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
