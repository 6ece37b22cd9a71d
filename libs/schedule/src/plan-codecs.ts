import { pipe } from 'fp-ts/function';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { formatDecodeErrors, issue, validated, type Issue } from '@approx-darts/search-space';
import { BiLevelPlan, TrainPlan } from './bilevel-plan';
import type { LrSchedule } from './lr-schedule';
import type { OptimizerConfig } from './optimizer';

const positiveInt = (path: readonly (string | number)[], n: number): readonly Issue[] =>
  Number.isInteger(n) && n > 0 ? [] : [issue(path, `must be a positive integer, got ${n}`)];
const nonNegative = (path: readonly (string | number)[], n: number): readonly Issue[] =>
  Number.isFinite(n) && n >= 0 ? [] : [issue(path, `must be a finite number >= 0, got ${n}`)];
const fraction = (path: readonly (string | number)[], n: number, open: boolean): readonly Issue[] =>
  (open ? n > 0 && n < 1 : n >= 0 && n < 1) ? [] : [issue(path, `must be in ${open ? '(0, 1)' : '[0, 1)'}, got ${n}`)];

const scheduleIssues = (path: readonly (string | number)[], s: LrSchedule): readonly Issue[] => {
  switch (s.kind) {
    case 'constant':
      return nonNegative([...path, 'lr'], s.lr);
    case 'cosine':
      return [...nonNegative([...path, 'lr'], s.lr), ...nonNegative([...path, 'floor'], s.floor)];
    case 'warmup':
      return [...nonNegative([...path, 'epochs'], s.epochs), ...nonNegative([...path, 'from'], s.from), ...scheduleIssues([...path, 'then'], s.then)];
  }
};

const optimizerIssues = (path: readonly (string | number)[], o: OptimizerConfig): readonly Issue[] => [
  ...scheduleIssues([...path, 'lr'], o.lr),
  ...nonNegative([...path, 'weightDecay'], o.weightDecay),
  ...(o.gradClip === undefined ? [] : o.gradClip > 0 ? [] : [issue([...path, 'gradClip'], `must be positive, got ${o.gradClip}`)]),
  ...(o.kind === 'sgd'
    ? fraction([...path, 'momentum'], o.momentum, false)
    : [...fraction([...path, 'beta1'], o.beta1, false), ...fraction([...path, 'beta2'], o.beta2, false)]),
];

/**
 * Semantic problems of a search plan (empty when valid).
 * @example biLevelPlanIssues({ ...PAPER_SEARCH_PLAN, warmupEpochs: 60 })[0]?.message // 'must not exceed epochs (50), got 60'
 */
export const biLevelPlanIssues = (p: BiLevelPlan): readonly Issue[] => [
  ...positiveInt(['epochs'], p.epochs),
  ...(Number.isInteger(p.warmupEpochs) && p.warmupEpochs >= 0 && p.warmupEpochs <= p.epochs
    ? []
    : [issue(['warmupEpochs'], `must not exceed epochs (${p.epochs}), got ${p.warmupEpochs}`)]),
  ...fraction(['weightFraction'], p.weightFraction, true),
  ...positiveInt(['batchSize'], p.batchSize),
  ...(p.stepOrder.length === 2 && new Set(p.stepOrder).size === 2 ? [] : [issue(['stepOrder'], 'must list architecture and weights once each')]),
  ...optimizerIssues(['weights'], p.weights),
  ...optimizerIssues(['architecture'], p.architecture),
];

/**
 * Semantic problems of a training plan (empty when valid).
 * @example trainPlanIssues({ ...PAPER_TRAIN_PLAN, dropPath: 1 })[0]?.message // 'must be in [0, 1), got 1'
 */
export const trainPlanIssues = (p: TrainPlan): readonly Issue[] => [
  ...positiveInt(['epochs'], p.epochs),
  ...positiveInt(['batchSize'], p.batchSize),
  ...optimizerIssues(['optimizer'], p.optimizer),
  ...nonNegative(['auxiliaryWeight'], p.auxiliaryWeight),
  ...fraction(['dropPath'], p.dropPath, false),
  ...(Number.isInteger(p.cutout) && p.cutout >= 0 ? [] : [issue(['cutout'], `must be an integer >= 0 (0 = off), got ${p.cutout}`)]),
];

/** A search plan codec that also rejects semantically invalid plans. */
export const ValidBiLevelPlan: t.Type<BiLevelPlan, BiLevelPlan, unknown> = validated(BiLevelPlan, biLevelPlanIssues, 'BiLevelPlan');
/** A training plan codec that also rejects semantically invalid plans. */
export const ValidTrainPlan: t.Type<TrainPlan, TrainPlan, unknown> = validated(TrainPlan, trainPlanIssues, 'TrainPlan');

/**
 * Decodes a search plan from JSON with readable messages.
 * @example decodeBiLevelPlan({ ...PAPER_SEARCH_PLAN, batchSize: 0 }) // left('batchSize must be a positive integer, got 0')
 */
export const decodeBiLevelPlan = (json: unknown): E.Either<string, BiLevelPlan> => pipe(ValidBiLevelPlan.decode(json), E.mapLeft(formatDecodeErrors));

/**
 * Decodes a training plan from JSON with readable messages.
 * @example decodeTrainPlan(PAPER_TRAIN_PLAN) // right(PAPER_TRAIN_PLAN)
 */
export const decodeTrainPlan = (json: unknown): E.Either<string, TrainPlan> => pipe(ValidTrainPlan.decode(json), E.mapLeft(formatDecodeErrors));
