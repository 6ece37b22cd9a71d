import * as t from 'io-ts';
import { OptimizerConfig } from './optimizer';

/**
 * A bi-level search plan (docs/DARTS.md): epochs, weights-only warm-up epochs, the split of the training set into
 * weight and architecture halves, the per-batch step order, first or second order, batch size and both optimizers.
 */
export const BiLevelPlan = t.readonly(
  t.type({
    epochs: t.number,
    warmupEpochs: t.number,
    /** Fraction of the training set used for weights; the rest trains the architecture. */
    weightFraction: t.number,
    batchSize: t.number,
    order: t.keyof({ first: null, second: null }),
    /** Per batch: which step comes first. DARTS: the architecture step, then the weight step. */
    stepOrder: t.readonlyArray(t.keyof({ architecture: null, weights: null })),
    weights: OptimizerConfig,
    architecture: OptimizerConfig,
  }),
);
export type BiLevelPlan = t.TypeOf<typeof BiLevelPlan>;

/** Training plan of the evaluation network (docs/DARTS.md). */
export const TrainPlan = t.readonly(
  t.type({
    epochs: t.number,
    batchSize: t.number,
    optimizer: OptimizerConfig,
    auxiliaryWeight: t.number,
    dropPath: t.number,
    cutout: t.number,
  }),
);
export type TrainPlan = t.TypeOf<typeof TrainPlan>;
