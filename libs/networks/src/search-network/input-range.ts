import * as tf from '@tensorflow/tfjs-core';
import { constantInit, param, type ParamStore } from './params';
import type { Mode } from './block';

/**
 * The recorded quantization range of one approximate convolution's input: in training, a moving average (momentum
 * 0.1, as BN's running statistics; the first batch sets it outright) of the batch min and max; at inference, that
 * range. Stored as a 'state' parameter `[min, max, batches seen]` so checkpoints carry it, which is what lets a
 * network trained in fp32 (or under one multiplier) be evaluated under any other.
 */
export interface InputRange {
  /** Training: updates the record and returns undefined (the op quantizes with the batch range).
   *  Inference: the recorded [min, max], or undefined when nothing was ever recorded. */
  readonly observe: (x: tf.Tensor4D, mode: Mode) => tf.Tensor1D | undefined;
  readonly variable: tf.Variable;
}

export const RANGE_MOMENTUM = 0.1;

export const inputRange = (store: ParamStore, name: string): InputRange => {
  // Whether a range was recorded (batches seen > 0), kept on the host so that inference never reads the device: a
  // fresh record has none, training records one, and a restored checkpoint says (through onRestore).
  let recorded = false;
  const record = param(store, `${name}.input_range`, [3], constantInit(0), 'state', (values) => {
    recorded = (values[2] ?? 0) > 0;
  });
  return {
    variable: record,
    observe: (x, mode) => {
      if (mode === 'train') {
        tf.tidy(() => {
          const seen = tf.slice(record, [2], [1]);
          const batch = tf.stack([tf.min(x), tf.max(x)]);
          // Weight 1 for the first batch, then the momentum.
          const w = tf.maximum(tf.cast(tf.equal(seen, 0), 'float32'), RANGE_MOMENTUM);
          const updated = tf.add(tf.mul(tf.slice(record, [0], [2]), tf.sub(1, w)), tf.mul(batch, w));
          record.assign(tf.concat([updated, tf.add(seen, 1)]));
        });
        recorded = true;
        return undefined;
      }
      return recorded ? (tf.slice(record, [0], [2]) as tf.Tensor1D) : undefined;
    },
  };
};
