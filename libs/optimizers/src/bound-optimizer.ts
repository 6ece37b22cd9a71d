import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '@approx-darts/schedule';
import { applyUpdates, createOptimizer, type NamedTensors, type Optimizer, type OptimizerState } from './optimizer';
import { slotName } from './slots';

/**
 * An optimizer, the parameters it trains (tfjs variables by logical name) and its current state: what a training or
 * search loop holds. Only `stepOptimizer` and `restoreOptimizerState` replace the state.
 */
export interface BoundOptimizer {
  readonly optimizer: Optimizer;
  readonly params: Readonly<Record<string, tf.Variable>>;
  state: OptimizerState;
}

// The state outlives any tf.tidy its step runs in (as slot variables did).
const kept = (state: OptimizerState): OptimizerState => {
  for (const t of Object.values(state.slots)) tf.keep(t);
  return state;
};

/** Disposes the tensors of `dropped` that `kept` does not hold (an update carries unchanged slots over as they are). */
export const disposeStateExcept = (dropped: OptimizerState, kept: OptimizerState): void => {
  const live = new Set(Object.values(kept.slots));
  tf.dispose(Object.values(dropped.slots).filter((t) => !live.has(t)));
};

/** The optimizer a config describes over some parameters, in its initial state. */
export const bindOptimizer = (config: OptimizerConfig, params: Readonly<Record<string, tf.Variable>>): BoundOptimizer => {
  const optimizer = createOptimizer(config);
  return { optimizer, params, state: kept(optimizer.init(params)) };
};

/** One update applied, by the fused step where the optimizer has one (SGD's SgdStep kernel). */
export const stepOptimizer = (b: BoundOptimizer, grads: NamedTensors, lr: number): void => {
  const before = b.state;
  if (b.optimizer.step !== undefined) b.state = b.optimizer.step(grads, before, b.params, lr);
  else {
    const { updates, state } = b.optimizer.update(grads, before, b.params, lr);
    applyUpdates(b.params, updates);
    tf.dispose(Object.values(updates));
    b.state = state;
  }
  kept(b.state);
  disposeStateExcept(before, b.state);
};

/** The state as tensors under stable, logical names (checkpoints); fresh tensors the caller disposes. */
export const savedOptimizerState = (b: BoundOptimizer): Record<string, tf.Tensor> => ({
  ...Object.fromEntries(Object.entries(b.state.slots).map(([name, t]) => [name, tf.clone(t)] as const)),
  ...(b.optimizer.countKey !== undefined ? { [b.optimizer.countKey]: tf.scalar(b.state.count, 'int32') } : {}),
});

/**
 * Replaces the state by a saved one (its tensors are copied; the caller keeps ownership), checking that every slot is
 * present with its parameter's shape. Asynchronous because the update count is read back to the host, and only
 * asynchronous reads work on every engine.
 */
export const restoreOptimizerState = async (b: BoundOptimizer, saved: Readonly<Record<string, tf.Tensor>>): Promise<void> => {
  const slots: Record<string, tf.Tensor> = {};
  for (const slot of b.optimizer.slots)
    for (const [name, p] of Object.entries(b.params)) {
      const key = slotName(slot, name);
      const t = saved[key];
      if (t === undefined) throw new Error(`optimizer state: missing '${key}'`);
      if (!tf.util.arraysEqual(t.shape, p.shape)) throw new Error(`optimizer state: '${key}' has shape [${t.shape.join(', ')}], expected [${p.shape.join(', ')}]`);
    }
  let count = 0;
  if (b.optimizer.countKey !== undefined) {
    const step = saved[b.optimizer.countKey];
    if (step === undefined) throw new Error(`optimizer state: missing '${b.optimizer.countKey}'`);
    count = (await step.data())[0] ?? 0;
  }
  for (const slot of b.optimizer.slots)
    for (const name of Object.keys(b.params)) {
      const key = slotName(slot, name);
      slots[key] = tf.cast(saved[key] as tf.Tensor, 'float32');
    }
  const before = b.state;
  b.state = kept({ slots, count });
  disposeStateExcept(before, b.state);
};

/** Frees the state's tensors (the parameters belong to their network). */
export const disposeOptimizer = (b: BoundOptimizer): void => tf.dispose(Object.values(b.state.slots));

/** Parameters by logical name: the store's entries among `variables`, in their order. */
export const namedParams = (entries: ReadonlyMap<string, { readonly name: string; readonly variable: tf.Variable }>, variables: readonly tf.Variable[]): Record<string, tf.Variable> => {
  const byVariable = new Map([...entries.values()].map((e) => [e.variable, e.name] as const));
  if (new Set(variables).size !== variables.length) throw new Error('optimizer: a variable is listed twice');
  return Object.fromEntries(
    variables.map((v) => {
      const name = byVariable.get(v);
      if (name === undefined) throw new Error(`optimizer: variable '${v.name}' is not a parameter of the network`);
      return [name, v] as const;
    }),
  );
};

/** Gradients keyed by tfjs variable name (tf.variableGrads) re-keyed by the logical names of `params`. */
export const byLogicalName = (params: Readonly<Record<string, tf.Variable>>, grads: tf.NamedTensorMap): Record<string, tf.Tensor> => {
  const out: Record<string, tf.Tensor> = {};
  for (const [name, v] of Object.entries(params)) {
    const g = grads[v.name];
    if (g !== undefined) out[name] = g;
  }
  return out;
};
