import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import * as E from 'fp-ts/Either';
import { DARTS_EVAL_MACRO, DARTS_SEARCH_MACRO, PAPER_EVAL_MACRO } from '@approx-darts/search-space';
import {
  DARTS_SEARCH_PLAN,
  DARTS_TRAIN_PLAN,
  PAPER_SEARCH_PLAN,
  PAPER_TRAIN_PLAN,
  SEARCH_PRESETS,
  SearchPreset,
  TINY_SEARCH_PLAN,
  TRAIN_PRESETS,
  TrainPreset,
  decodeBiLevelPlan,
  decodeTrainPlan,
  searchSettings,
  trainSettings,
  withLrWarmup,
  withSearchEpochs,
} from './index';

describe('run presets (plan, network size, image limit) as data', () => {
  it('decode with their codecs and hold valid plans', () => {
    for (const p of Object.values(SEARCH_PRESETS)) {
      expect(SearchPreset.is(p)).toBe(true);
      expect(decodeBiLevelPlan(p.plan)).toEqual(E.right(p.plan));
    }
    for (const p of Object.values(TRAIN_PRESETS)) {
      expect(TrainPreset.is(p)).toBe(true);
      expect(decodeTrainPlan(p.plan)).toEqual(E.right(p.plan));
    }
  });

  it('size the networks as docs/DARTS.md says: search C = 16 (tiny: 3 cells, C = 4, 128 images); train C = 32 paper, 36 darts', () => {
    expect(SEARCH_PRESETS.paper).toEqual({ plan: PAPER_SEARCH_PLAN, macro: DARTS_SEARCH_MACRO, limit: null });
    expect(SEARCH_PRESETS.darts).toEqual({ plan: DARTS_SEARCH_PLAN, macro: DARTS_SEARCH_MACRO, limit: null });
    expect(SEARCH_PRESETS.tiny).toMatchObject({ plan: TINY_SEARCH_PLAN, macro: { cells: 3, channels: 4 }, limit: 128 });
    expect(TRAIN_PRESETS.paper).toEqual({ plan: PAPER_TRAIN_PLAN, macro: PAPER_EVAL_MACRO });
    expect(TRAIN_PRESETS.darts).toEqual({ plan: DARTS_TRAIN_PLAN, macro: DARTS_EVAL_MACRO });
    expect(TRAIN_PRESETS.darts.macro).toMatchObject({ cells: 20, channels: 36 });
    expect(TRAIN_PRESETS.paper.macro).toMatchObject({ cells: 20, channels: 32 });
  });

  it('gradient clipping: the paper search preset does not clip (the paper is silent), original DARTS clips at 5 (docs/DARTS.md)', () => {
    expect(SEARCH_PRESETS.paper.plan.weights.gradClip).toBeUndefined();
    expect(SEARCH_PRESETS.tiny.plan.weights.gradClip).toBeUndefined();
    expect(SEARCH_PRESETS.darts.plan.weights.gradClip).toBe(5);
    // The architecture step is never clipped, in DARTS either.
    for (const p of Object.values(SEARCH_PRESETS)) expect(p.plan.architecture.gradClip).toBeUndefined();
  });
});

describe('withSearchEpochs', () => {
  it('scales the warm-up with the epochs (paper: 15 of 50)', () => {
    expect(withSearchEpochs(PAPER_SEARCH_PLAN, 10)).toEqual({ ...PAPER_SEARCH_PLAN, epochs: 10, warmupEpochs: 3 });
    expect(withSearchEpochs(PAPER_SEARCH_PLAN, 50)).toEqual(PAPER_SEARCH_PLAN);
    expect(withSearchEpochs(DARTS_SEARCH_PLAN, 7).warmupEpochs).toBe(0);
  });

  test.prop([fc.constantFrom(PAPER_SEARCH_PLAN, DARTS_SEARCH_PLAN, TINY_SEARCH_PLAN), fc.integer({ min: 1, max: 1000 })])('gives a valid plan whose warm-up never exceeds its epochs', (plan, epochs) => {
    const scaled = withSearchEpochs(plan, epochs);
    expect(scaled.warmupEpochs).toBeLessThanOrEqual(epochs);
    expect(scaled.warmupEpochs / epochs).toBeLessThanOrEqual(plan.warmupEpochs / plan.epochs);
    expect(E.isRight(decodeBiLevelPlan(scaled))).toBe(true);
  });
});

describe('searchSettings / trainSettings (what the commands apply their flags with)', () => {
  it('apply the changes given and keep the preset for the rest', () => {
    expect(searchSettings('tiny', {})).toEqual(E.right(SEARCH_PRESETS.tiny));
    expect(searchSettings('paper', { epochs: 10, batchSize: 64, order: 'second', cells: 5, limit: 100 })).toEqual(
      E.right({ plan: { ...PAPER_SEARCH_PLAN, epochs: 10, warmupEpochs: 3, batchSize: 64, order: 'second' }, macro: { ...DARTS_SEARCH_MACRO, cells: 5 }, limit: 100 }),
    );
    // An explicit warm-up wins over the scaled one.
    expect(E.map((s: SearchPreset) => s.plan.warmupEpochs)(searchSettings('paper', { epochs: 10, warmupEpochs: 0 }))).toEqual(E.right(0));
    expect(trainSettings('darts', {})).toEqual(E.right(TRAIN_PRESETS.darts));
    expect(trainSettings('darts', { cells: 8, epochs: 3, auxiliary: false })).toEqual(
      E.right({ plan: { ...DARTS_TRAIN_PLAN, epochs: 3, auxiliaryWeight: 0 }, macro: { ...DARTS_EVAL_MACRO, cells: 8 } }),
    );
  });

  it('refuse an invalid plan, naming the field', () => {
    expect(searchSettings('paper', { warmupEpochs: 60 })).toEqual(E.left('warmupEpochs must not exceed epochs (50), got 60'));
    expect(trainSettings('paper', { batchSize: 0 })).toEqual(E.left('batchSize must be a positive integer, got 0'));
  });
});

describe('withLrWarmup', () => {
  it('puts a linear ramp from 0 in front of a schedule, replacing one already there; 0 epochs leave it alone', () => {
    const cosine = { kind: 'cosine', lr: 0.025, floor: 0 } as const;
    expect(withLrWarmup(cosine, 0)).toBe(cosine);
    expect(withLrWarmup(cosine, 5)).toEqual({ kind: 'warmup', epochs: 5, from: 0, then: cosine });
    expect(withLrWarmup(withLrWarmup(cosine, 5), 2)).toEqual({ kind: 'warmup', epochs: 2, from: 0, then: cosine });
  });
});
