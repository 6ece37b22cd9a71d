import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensors } from './optimizer';

/** The state key of a parameter's slot: `<slot>/<logical name>` (what checkpoints store after their own prefix). */
export const slotName = (slot: string, param: string): string => `${slot}/${param}`;

/** Zero slots of one kind for every parameter. */
export const zeroSlots = (slot: string, params: NamedTensors): Record<string, tf.Tensor> =>
  Object.fromEntries(Object.entries(params).map(([name, p]) => [slotName(slot, name), tf.zerosLike(p)] as const));

/** A parameter's slot; a missing one is a bug in the state handed over (a checkpoint is checked on restore). */
export const slotOf = (slots: NamedTensors, slot: string, param: string): tf.Tensor => {
  const s = slots[slotName(slot, param)];
  if (s === undefined) throw new Error(`optimizer: no slot '${slot}' for parameter '${param}'`);
  return s;
};
