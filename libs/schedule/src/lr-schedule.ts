import * as t from 'io-ts';

/** Learning-rate schedules as data; `learningRate` (schedule engineer) evaluates them per epoch. */
export const ConstantLr = t.readonly(t.type({ kind: t.literal('constant'), lr: t.number }));
/** Cosine annealing from `lr` to `floor` over the run (DARTS: 0.025 -> 0.001 search; paper: 0.1 -> 0). */
export const CosineLr = t.readonly(t.type({ kind: t.literal('cosine'), lr: t.number, floor: t.number }));
/** Linear warmup over `epochs` epochs, then the wrapped schedule. */
export interface WarmupLr {
  readonly kind: 'warmup';
  readonly epochs: number;
  readonly from: number;
  readonly then: LrSchedule;
}
export type LrSchedule = t.TypeOf<typeof ConstantLr> | t.TypeOf<typeof CosineLr> | WarmupLr;
export const LrSchedule: t.Type<LrSchedule> = t.recursion('LrSchedule', () =>
  t.union([ConstantLr, CosineLr, t.readonly(t.type({ kind: t.literal('warmup'), epochs: t.number, from: t.number, then: LrSchedule }))]),
);

/**
 * The learning rate of `epoch` (0-based, may be fractional) in a run of `totalEpochs`. Cosine anneals from `lr`
 * at epoch 0 to `floor` at epoch E: lr_e = floor + (lr - floor)(1 + cos(pi e / E)) / 2. Warmup goes linearly from
 * `from` to where the wrapped schedule starts over its first `epochs`, then runs the wrapped schedule over the
 * remaining epochs. Epochs outside [0, E] are clamped.
 * @example learningRate({ kind: 'cosine', lr: 0.1, floor: 0 }, 25, 50) // 0.05
 */
export const learningRate = (schedule: LrSchedule, epoch: number, totalEpochs: number): number => {
  const e = Math.min(Math.max(epoch, 0), Math.max(totalEpochs, 0));
  switch (schedule.kind) {
    case 'constant':
      return schedule.lr;
    case 'cosine': {
      // Written as a convex combination so that both endpoints come out exactly (w = 1 at e = 0, w = 0 at e = E).
      const w = totalEpochs <= 0 ? 1 : (1 + Math.cos((Math.PI * e) / totalEpochs)) / 2;
      return w * schedule.lr + (1 - w) * schedule.floor;
    }
    case 'warmup': {
      const warm = Math.min(schedule.epochs, totalEpochs);
      const rest = totalEpochs - warm;
      if (e < warm) return schedule.from + ((learningRate(schedule.then, 0, rest) - schedule.from) * e) / warm;
      return learningRate(schedule.then, e - warm, rest);
    }
  }
};

/**
 * The learning rate at the start of each of `totalEpochs` epochs (what a per-epoch scheduler applies).
 * @example learningRates({ kind: 'constant', lr: 0.1 }, 2) // [0.1, 0.1]
 */
export const learningRates = (schedule: LrSchedule, totalEpochs: number): readonly number[] =>
  Array.from({ length: Math.max(0, totalEpochs) }, (_, e) => learningRate(schedule, e, totalEpochs));
