import * as tf from '@tensorflow/tfjs-core';

/** Per-variable slot tensors (momentum, moments) kept as non-trainable variables named `<slot>/<variable>`. */
export interface Slots {
  readonly get: (name: string) => tf.Variable;
  readonly entries: () => ReadonlyArray<readonly [string, tf.Variable]>;
}

export const slotName = (slot: string, variable: string): string => `${slot}/${variable}`;

export const createSlots = (slot: string, variables: readonly tf.Variable[]): Slots => {
  // The tidy frees the zeros each variable is made from (the variable holds its own reference to the data).
  const byVariable = new Map(
    variables.map((v) => [v.name, tf.tidy(() => tf.variable(tf.zerosLike(v), false, `${slotName(slot, v.name)}#${Math.random().toString(36).slice(2)}`))] as const),
  );
  return {
    get: (name) => {
      const s = byVariable.get(name);
      if (s === undefined) throw new Error(`optimizer: no slot '${slot}' for variable '${name}'`);
      return s;
    },
    entries: () => [...byVariable.entries()].map(([name, v]) => [slotName(slot, name), v] as const),
  };
};

/** Snapshot of the slots as fresh tensors (clones share storage, so this is cheap); the caller disposes them. */
export const snapshotSlots = (slots: Slots): Record<string, tf.Tensor> => {
  const out: Record<string, tf.Tensor> = {};
  for (const [name, v] of slots.entries()) out[name] = tf.clone(v);
  return out;
};

/** Copies saved slot values back, checking every slot is present with the right shape. */
export const restoreSlots = (slots: Slots, state: Record<string, tf.Tensor>): void => {
  for (const [name, variable] of slots.entries()) {
    const saved = state[name];
    if (saved === undefined) throw new Error(`optimizer state: missing '${name}'`);
    if (!tf.util.arraysEqual(saved.shape, variable.shape)) {
      throw new Error(`optimizer state: '${name}' has shape [${saved.shape.join(', ')}], expected [${variable.shape.join(', ')}]`);
    }
    tf.tidy(() => variable.assign(tf.cast(saved, 'float32')));
  }
};
