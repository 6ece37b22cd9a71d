import * as t from 'io-ts';
import type { LrSchedule, OptimizerConfig } from '@approx-darts/schedule';
import { CliError } from '../cli-error';
import { FractionFromString, NonNegativeNumberFromString, NonNegativeIntFromString, PositiveNumberFromString } from './flags';

/**
 * The optimizer knobs of `search` and `train` (the weights' optimizer): learning rate, weight decay, momentum,
 * gradient clip. A divergence message advises a lower learning rate, so the rate must be a flag (and one that
 * `--resume` may change).
 */
export const OptimizerFlags = t.partial({
  lr: PositiveNumberFromString,
  weightDecay: NonNegativeNumberFromString,
  momentum: FractionFromString,
  gradClip: PositiveNumberFromString,
  warmupEpochs: NonNegativeIntFromString,
});
export type OptimizerFlags = t.TypeOf<typeof OptimizerFlags>;

/** The commander options of OptimizerFlags, in --help order. */
export const OPTIMIZER_OPTIONS: readonly (readonly [string, string])[] = [
  ['--lr <rate>', 'initial learning rate of the weights (default: the preset); may change on --resume'],
  ['--weight-decay <w>', 'weight decay of the weights (default: the preset)'],
  ['--momentum <m>', 'SGD momentum of the weights, in [0, 1) (default: the preset)'],
  ['--grad-clip <norm>', 'clip the weight gradients to this global norm (default: the preset); may change on --resume'],
];

/** A schedule with its peak (initial) rate replaced; a warm-up keeps its ramp and changes the rate it ramps to. */
export const withPeakLr = (s: LrSchedule, lr: number): LrSchedule => (s.kind === 'warmup' ? { ...s, then: withPeakLr(s.then, lr) } : { ...s, lr });

/** The peak (initial) rate of a schedule, for messages. */
export const peakLr = (s: LrSchedule): number => (s.kind === 'warmup' ? peakLr(s.then) : s.lr);

/** An optimizer config with the flags applied; `--momentum` on Adam is refused (it has betas, not momentum). */
export const applyOptimizerFlags = (base: OptimizerConfig, f: OptimizerFlags, what: string): OptimizerConfig => {
  if (f.momentum !== undefined && base.kind !== 'sgd') throw new CliError(`--momentum: the ${what} optimizer is ${base.kind}, which has no momentum`);
  return {
    ...base,
    ...(f.lr !== undefined ? { lr: withPeakLr(base.lr, f.lr) } : {}),
    ...(f.weightDecay !== undefined ? { weightDecay: f.weightDecay } : {}),
    ...(f.momentum !== undefined ? { momentum: f.momentum } : {}),
    ...(f.gradClip !== undefined ? { gradClip: f.gradClip } : {}),
  } as OptimizerConfig;
};
