import * as t from 'io-ts';
import { LrSchedule } from './lr-schedule';

/** SGD with momentum and (coupled, L2) weight decay; `gradClip` is the global-norm clip (absent = none). */
export const SgdConfig = t.readonly(
  t.intersection([
    t.type({ kind: t.literal('sgd'), lr: LrSchedule, momentum: t.number, weightDecay: t.number }),
    t.partial({ nesterov: t.boolean, gradClip: t.number }),
  ]),
);
/** Adam with betas and (coupled, L2) weight decay, as DARTS's architecture optimizer. */
export const AdamConfig = t.readonly(
  t.intersection([
    t.type({ kind: t.literal('adam'), lr: LrSchedule, beta1: t.number, beta2: t.number, weightDecay: t.number }),
    t.partial({ epsilon: t.number, gradClip: t.number }),
  ]),
);
export const OptimizerConfig = t.union([SgdConfig, AdamConfig]);
export type OptimizerConfig = t.TypeOf<typeof OptimizerConfig>;
