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
