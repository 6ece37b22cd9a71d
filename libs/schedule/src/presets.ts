import type { BiLevelPlan, TrainPlan } from './bilevel-plan';

/**
 * The paper's search (docs/DARTS.md): 50 epochs, 50/50 split, 15 weights-only warm-up epochs, SGD 0.1 cosine to 0,
 * batch 512; architecture by Adam 1e-4; first order.
 */
export const PAPER_SEARCH_PLAN: BiLevelPlan = {
  epochs: 50,
  warmupEpochs: 15,
  weightFraction: 0.5,
  batchSize: 512,
  order: 'first',
  stepOrder: ['architecture', 'weights'],
  weights: { kind: 'sgd', lr: { kind: 'cosine', lr: 0.1, floor: 0 }, momentum: 0.9, weightDecay: 3e-4 },
  architecture: { kind: 'adam', lr: { kind: 'constant', lr: 1e-4 }, beta1: 0.5, beta2: 0.999, weightDecay: 1e-3 },
};

/** Original DARTS search: no warm-up, SGD 0.025 cosine to 0.001, batch 64, gradient clipping 5; Adam 3e-4. */
export const DARTS_SEARCH_PLAN: BiLevelPlan = {
  epochs: 50,
  warmupEpochs: 0,
  weightFraction: 0.5,
  batchSize: 64,
  order: 'first',
  stepOrder: ['architecture', 'weights'],
  weights: { kind: 'sgd', lr: { kind: 'cosine', lr: 0.025, floor: 0.001 }, momentum: 0.9, weightDecay: 3e-4, gradClip: 5 },
  architecture: { kind: 'adam', lr: { kind: 'constant', lr: 3e-4 }, beta1: 0.5, beta2: 0.999, weightDecay: 1e-3 },
};

/** A search small enough for the README demo on 2 CPU cores: the paper's plan cut to 2 epochs, 1 warm-up, batch 16. */
export const TINY_SEARCH_PLAN: BiLevelPlan = { ...PAPER_SEARCH_PLAN, epochs: 2, warmupEpochs: 1, batchSize: 16 };

/** The paper's evaluation training: 600 epochs, batch 256, SGD 0.025 cosine to 0, wd 3e-3, aux 0.4, drop path 0.3. */
export const PAPER_TRAIN_PLAN: TrainPlan = {
  epochs: 600,
  batchSize: 256,
  optimizer: { kind: 'sgd', lr: { kind: 'cosine', lr: 0.025, floor: 0 }, momentum: 0.9, weightDecay: 3e-3, gradClip: 5 },
  auxiliaryWeight: 0.4,
  dropPath: 0.3,
  cutout: 16,
};

/** Original DARTS evaluation training: 600 epochs, batch 96, SGD 0.025 cosine, wd 3e-4, aux 0.4, drop path 0.2. */
export const DARTS_TRAIN_PLAN: TrainPlan = {
  epochs: 600,
  batchSize: 96,
  optimizer: { kind: 'sgd', lr: { kind: 'cosine', lr: 0.025, floor: 0 }, momentum: 0.9, weightDecay: 3e-4, gradClip: 5 },
  auxiliaryWeight: 0.4,
  dropPath: 0.2,
  cutout: 16,
};

/** A training run small enough for the README demo on 2 CPU cores. */
export const TINY_TRAIN_PLAN: TrainPlan = { ...PAPER_TRAIN_PLAN, epochs: 2, batchSize: 32 };
