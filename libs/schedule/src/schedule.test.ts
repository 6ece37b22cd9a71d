import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  DARTS_SEARCH_PLAN,
  DARTS_TRAIN_PLAN,
  PAPER_SEARCH_PLAN,
  PAPER_TRAIN_PLAN,
  TINY_SEARCH_PLAN,
  decodeBiLevelPlan,
  decodeTrainPlan,
  deepMerge,
  learningRate,
  learningRates,
  overrideSearchPlan,
  overrideTrainPlan,
  searchPlanPreset,
  trainPlanPreset,
  type LrSchedule,
} from './index';

const lr = fc.double({ min: 0, max: 1, noNaN: true });
const arbBase: fc.Arbitrary<LrSchedule> = fc.oneof(
  lr.map((v): LrSchedule => ({ kind: 'constant', lr: v })),
  fc.tuple(lr, lr).map(([a, b]): LrSchedule => ({ kind: 'cosine', lr: a, floor: b })),
);
const arbSchedule: fc.Arbitrary<LrSchedule> = fc.oneof(
  arbBase,
  fc.tuple(fc.integer({ min: 0, max: 10 }), lr, arbBase).map(([epochs, from, then]): LrSchedule => ({ kind: 'warmup', epochs, from, then })),
);
// The smallest and largest rates a schedule names; every rate must lie between them.
const bounds = (s: LrSchedule): readonly [number, number] => {
  const values = (x: LrSchedule): number[] => (x.kind === 'constant' ? [x.lr] : x.kind === 'cosine' ? [x.lr, x.floor] : [x.from, ...values(x.then)]);
  return [Math.min(...values(s)), Math.max(...values(s))];
};

describe('learningRate', () => {
  it('cosine follows floor + (lr - floor)(1 + cos(pi e / E)) / 2', () => {
    const s: LrSchedule = { kind: 'cosine', lr: 0.025, floor: 0.001 };
    expect(learningRate(s, 0, 50)).toBe(0.025);
    expect(learningRate(s, 25, 50)).toBeCloseTo(0.013, 12);
    expect(learningRate(s, 50, 50)).toBeCloseTo(0.001, 15);
    expect(learningRate(s, 10, 40)).toBeCloseTo(0.001 + 0.024 * (1 + Math.SQRT1_2) / 2, 15);
  });

  it('warmup rises linearly to where the wrapped schedule starts, then runs it over the rest', () => {
    const s: LrSchedule = { kind: 'warmup', epochs: 4, from: 0, then: { kind: 'cosine', lr: 0.1, floor: 0 } };
    [0, 0.025, 0.05, 0.075, 0.1].forEach((v, e) => expect(learningRate(s, e, 14)).toBeCloseTo(v, 15));
    expect(learningRate(s, 9, 14)).toBeCloseTo(0.05, 15);
    expect(learningRate(s, 14, 14)).toBeCloseTo(0, 15);
  });

  it('per-epoch rates of a run', () => {
    expect(learningRates({ kind: 'constant', lr: 0.3 }, 3)).toEqual([0.3, 0.3, 0.3]);
    expect(learningRates(PAPER_SEARCH_PLAN.weights.lr, 50)[0]).toBe(0.1);
  });

  test.prop([arbSchedule, fc.integer({ min: 1, max: 200 }), fc.double({ min: 0, max: 1, noNaN: true })])(
    'stays within the bounds the schedule names',
    (s, total, at) => {
      const [lo, hi] = bounds(s);
      const v = learningRate(s, at * total, total);
      expect(v).toBeGreaterThanOrEqual(lo - 1e-12);
      expect(v).toBeLessThanOrEqual(hi + 1e-12);
    },
  );

  test.prop([lr, lr, fc.integer({ min: 1, max: 1000 })])('cosine hits lr at epoch 0 and floor at the last epoch, monotonically', (a, b, total) => {
    const s: LrSchedule = { kind: 'cosine', lr: a, floor: b };
    expect(learningRate(s, 0, total)).toBe(a);
    expect(learningRate(s, total, total)).toBe(b);
    const rates = learningRates(s, total);
    rates.slice(1).forEach((r, i) => expect((r - rates[i]!) * Math.sign(b - a)).toBeGreaterThanOrEqual(-1e-15));
  });
});

describe('presets', () => {
  it('are valid plans', () => {
    for (const p of [PAPER_SEARCH_PLAN, DARTS_SEARCH_PLAN, TINY_SEARCH_PLAN]) expect(decodeBiLevelPlan(p)).toEqual(E.right(p));
    for (const p of [PAPER_TRAIN_PLAN, DARTS_TRAIN_PLAN]) expect(decodeTrainPlan(p)).toEqual(E.right(p));
  });

  it('hold the paper and DARTS numbers (docs/DARTS.md)', () => {
    expect(PAPER_SEARCH_PLAN).toMatchObject({ epochs: 50, warmupEpochs: 15, weightFraction: 0.5, batchSize: 512, order: 'first' });
    expect(PAPER_SEARCH_PLAN.weights).toMatchObject({ kind: 'sgd', lr: { kind: 'cosine', lr: 0.1, floor: 0 }, momentum: 0.9, weightDecay: 3e-4 });
    expect(PAPER_SEARCH_PLAN.architecture).toMatchObject({ kind: 'adam', lr: { kind: 'constant', lr: 1e-4 }, beta1: 0.5, beta2: 0.999, weightDecay: 1e-3 });
    expect(DARTS_SEARCH_PLAN).toMatchObject({ epochs: 50, warmupEpochs: 0, batchSize: 64 });
    expect(DARTS_SEARCH_PLAN.weights).toMatchObject({ lr: { kind: 'cosine', lr: 0.025, floor: 0.001 }, gradClip: 5 });
    expect(DARTS_SEARCH_PLAN.architecture).toMatchObject({ lr: { kind: 'constant', lr: 3e-4 } });
    expect(PAPER_TRAIN_PLAN).toMatchObject({ epochs: 600, batchSize: 256, auxiliaryWeight: 0.4, dropPath: 0.3, cutout: 16 });
    expect(PAPER_TRAIN_PLAN.optimizer).toMatchObject({ weightDecay: 3e-3, momentum: 0.9, gradClip: 5 });
    expect(DARTS_TRAIN_PLAN).toMatchObject({ batchSize: 96, dropPath: 0.2 });
    expect(DARTS_TRAIN_PLAN.optimizer).toMatchObject({ weightDecay: 3e-4 });
    expect(TINY_SEARCH_PLAN.epochs).toBeLessThanOrEqual(2);
  });

  it('are found by name', () => {
    expect(searchPlanPreset('Paper')).toEqual(O.some(PAPER_SEARCH_PLAN));
    expect(searchPlanPreset('tiny')).toEqual(O.some(TINY_SEARCH_PLAN));
    expect(trainPlanPreset('darts')).toEqual(O.some(DARTS_TRAIN_PLAN));
    expect(searchPlanPreset('nope')).toEqual(O.none);
  });
});

describe('overrides', () => {
  it('merge nested fields and keep the rest', () => {
    const r = overrideSearchPlan(PAPER_SEARCH_PLAN, { batchSize: 128, weights: { momentum: 0.5 } });
    expect(r).toEqual(E.right({ ...PAPER_SEARCH_PLAN, batchSize: 128, weights: { ...PAPER_SEARCH_PLAN.weights, momentum: 0.5 } }));
  });

  it('replace an object of another kind instead of mixing variants', () => {
    const r = overrideTrainPlan(PAPER_TRAIN_PLAN, { optimizer: { lr: { kind: 'constant', lr: 0.01 } } });
    expect(E.isRight(r) && r.right.optimizer.lr).toEqual({ kind: 'constant', lr: 0.01 });
    expect(deepMerge({ a: [1, 2], b: 1 }, { a: [3] })).toEqual({ a: [3], b: 1 });
  });

  it('are checked: the message names the field', () => {
    expect(overrideSearchPlan(PAPER_SEARCH_PLAN, { epochs: 10 })).toEqual(E.left('warmupEpochs must not exceed epochs (10), got 15'));
    expect(overrideSearchPlan(PAPER_SEARCH_PLAN, { weightFraction: 1 })).toEqual(E.left('weightFraction must be in (0, 1), got 1'));
    expect(decodeBiLevelPlan({ ...PAPER_SEARCH_PLAN, weights: { ...PAPER_SEARCH_PLAN.weights, lr: { kind: 'cosine', lr: 0.1 } } })).toEqual(
      E.left('weights.lr.floor: expected number, got nothing'),
    );
  });
});
