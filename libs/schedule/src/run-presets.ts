import { pipe } from 'fp-ts/function';
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import * as t from 'io-ts';
import { DARTS_EVAL_MACRO, DARTS_SEARCH_MACRO, Macro, PAPER_EVAL_MACRO } from '@approx-darts/search-space';
import { BiLevelPlan, TrainPlan } from './bilevel-plan';
import type { LrSchedule } from './lr-schedule';
import { overrideSearchPlan, overrideTrainPlan } from './override';
import { DARTS_SEARCH_PLAN, DARTS_TRAIN_PLAN, PAPER_SEARCH_PLAN, PAPER_TRAIN_PLAN, TINY_SEARCH_PLAN, TINY_TRAIN_PLAN } from './presets';

/** The names of the presets both commands (`search`, `train`) take. */
export const PresetName = t.keyof({ paper: null, darts: null, tiny: null });
export type PresetName = t.TypeOf<typeof PresetName>;

/** What a search preset fixes: the plan, the search network's size and the training images used (null = all). */
export const SearchPreset = t.readonly(t.type({ plan: BiLevelPlan, macro: Macro, limit: t.union([t.number, t.null]) }));
export type SearchPreset = t.TypeOf<typeof SearchPreset>;

/** What a training preset fixes: the plan and the evaluation network's size. */
export const TrainPreset = t.readonly(t.type({ plan: TrainPlan, macro: Macro }));
export type TrainPreset = t.TypeOf<typeof TrainPreset>;

/**
 * The search presets (docs/DARTS.md). tiny is the README demo on 2 CPU cores (about 3 minutes there): 3 cells, C = 4,
 * 128 images (64 + 64), the tiny plan.
 */
export const SEARCH_PRESETS: Readonly<Record<PresetName, SearchPreset>> = {
  paper: { plan: PAPER_SEARCH_PLAN, macro: DARTS_SEARCH_MACRO, limit: null },
  darts: { plan: DARTS_SEARCH_PLAN, macro: DARTS_SEARCH_MACRO, limit: null },
  tiny: { plan: TINY_SEARCH_PLAN, macro: { ...DARTS_SEARCH_MACRO, cells: 3, channels: 4 }, limit: 128 },
};

/**
 * The training presets: the paper's network (C = 32) and original DARTS's (C = 36), each with its plan. tiny keeps the
 * paper's network and shortens the plan only; the demos pass their own --cells and --channels.
 */
export const TRAIN_PRESETS: Readonly<Record<PresetName, TrainPreset>> = {
  paper: { plan: PAPER_TRAIN_PLAN, macro: PAPER_EVAL_MACRO },
  darts: { plan: DARTS_TRAIN_PLAN, macro: DARTS_EVAL_MACRO },
  tiny: { plan: TINY_TRAIN_PLAN, macro: PAPER_EVAL_MACRO },
};

/** The preset of a name as users type it (case-insensitive), if there is one. */
const presetNamed = (name: string): O.Option<PresetName> => O.fromPredicate(PresetName.is)(name.toLowerCase());

/**
 * A search preset's plan by name (`paper`, `darts`, `tiny`; case-insensitive).
 * @example searchPlanPreset('paper') // some(PAPER_SEARCH_PLAN)
 */
export const searchPlanPreset = (name: string): O.Option<BiLevelPlan> => pipe(presetNamed(name), O.map((n) => SEARCH_PRESETS[n].plan));

/**
 * A training preset's plan by name (`paper`, `darts`, `tiny`; case-insensitive).
 * @example trainPlanPreset('darts') // some(DARTS_TRAIN_PLAN)
 */
export const trainPlanPreset = (name: string): O.Option<TrainPlan> => pipe(presetNamed(name), O.map((n) => TRAIN_PRESETS[n].plan));

/**
 * A search plan run for another number of epochs, its warm-up scaled with it (paper: 15 of 50), so a short run still
 * searches the architecture.
 * @example withSearchEpochs(PAPER_SEARCH_PLAN, 10).warmupEpochs // 3
 */
export const withSearchEpochs = (plan: BiLevelPlan, epochs: number): BiLevelPlan => ({
  ...plan,
  epochs,
  warmupEpochs: Math.floor((plan.warmupEpochs * epochs) / plan.epochs),
});

/**
 * A schedule behind a linear ramp from 0 over `epochs` epochs (a ramp already there is replaced); 0 leaves it alone.
 * @example withLrWarmup({ kind: 'constant', lr: 0.1 }, 5) // { kind: 'warmup', epochs: 5, from: 0, then: { kind: 'constant', lr: 0.1 } }
 */
export const withLrWarmup = (s: LrSchedule, epochs: number): LrSchedule =>
  epochs === 0 ? s : { kind: 'warmup', epochs, from: 0, then: s.kind === 'warmup' ? s.then : s };

/** What the `search` flags may change in a preset; absent fields keep the preset's. */
export interface SearchChanges {
  readonly epochs?: number;
  readonly warmupEpochs?: number;
  readonly batchSize?: number;
  readonly order?: BiLevelPlan['order'];
  readonly cells?: number;
  readonly channels?: number;
  readonly limit?: number;
}

/**
 * A search preset with changes applied and the plan checked: a new epoch count scales the warm-up unless it is given.
 * @example searchSettings('paper', { epochs: 10 }) // right({ ...SEARCH_PRESETS.paper, plan: { ...PAPER_SEARCH_PLAN, epochs: 10, warmupEpochs: 3 } })
 */
export const searchSettings = (name: PresetName, c: SearchChanges): E.Either<string, SearchPreset> => {
  const preset = SEARCH_PRESETS[name];
  const timed = c.epochs === undefined ? preset.plan : withSearchEpochs(preset.plan, c.epochs);
  return pipe(
    overrideSearchPlan(timed, {
      ...(c.warmupEpochs !== undefined ? { warmupEpochs: c.warmupEpochs } : {}),
      ...(c.batchSize !== undefined ? { batchSize: c.batchSize } : {}),
      ...(c.order !== undefined ? { order: c.order } : {}),
    }),
    E.map((plan) => ({
      plan,
      macro: { ...preset.macro, cells: c.cells ?? preset.macro.cells, channels: c.channels ?? preset.macro.channels },
      limit: c.limit ?? preset.limit,
    })),
  );
};

/** What the `train` flags may change in a preset; absent fields keep the preset's. */
export interface TrainChanges {
  readonly epochs?: number;
  readonly batchSize?: number;
  /** false drops the auxiliary head's loss (weight 0). */
  readonly auxiliary?: boolean;
  readonly cells?: number;
  readonly channels?: number;
}

/**
 * A training preset with changes applied and the plan checked.
 * @example trainSettings('darts', {}) // right(TRAIN_PRESETS.darts)
 */
export const trainSettings = (name: PresetName, c: TrainChanges): E.Either<string, TrainPreset> => {
  const preset = TRAIN_PRESETS[name];
  return pipe(
    overrideTrainPlan(preset.plan, {
      ...(c.epochs !== undefined ? { epochs: c.epochs } : {}),
      ...(c.batchSize !== undefined ? { batchSize: c.batchSize } : {}),
      ...(c.auxiliary === false ? { auxiliaryWeight: 0 } : {}),
    }),
    E.map((plan) => ({ plan, macro: { ...preset.macro, cells: c.cells ?? preset.macro.cells, channels: c.channels ?? preset.macro.channels } })),
  );
};
