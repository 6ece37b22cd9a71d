import * as tf from '@tensorflow/tfjs-core';
import { pipe } from 'fp-ts/function';
import * as E from 'fp-ts/Either';
import { PathReporter } from 'io-ts/PathReporter';
import { loadCheckpoint, saveCheckpoint, type SavedTensor } from '@approx-darts/run-store';
import { assignParam, type ParamStore } from '@approx-darts/networks';
import { logicalOptimizerKey, restoreOptimizerState, savedOptimizerState, type BoundOptimizer } from '@approx-darts/optimizers';
import { ResumeError } from '../run-errors';
import { SearchCheckpointMeta } from './search-records';

export interface SearchState {
  readonly store: ParamStore;
  readonly optimizers: Readonly<Record<'weights' | 'architecture', BoundOptimizer>>;
}

const saved = async (x: tf.Tensor): Promise<SavedTensor> =>
  x.dtype === 'int32'
    ? { shape: [...x.shape], dtype: 'int32', data: (await x.data()) as Int32Array }
    : { shape: [...x.shape], dtype: 'float32', data: (await x.data()) as Float32Array };

/**
 * Writes parameters (by logical name), both optimizers' states and the meta, atomically into `dir`. All reads are in
 * flight at once, so the device queue drains once rather than once per tensor.
 */
export const saveSearchCheckpoint = async (dir: string, state: SearchState, meta: SearchCheckpointMeta): Promise<void> => {
  const slots = Object.entries(state.optimizers).flatMap(([which, optimizer]) =>
    Object.entries(savedOptimizerState(optimizer)).map(([key, value]) => [`opt.${which}/${key}`, value] as const),
  );
  const named: ReadonlyArray<readonly [string, tf.Tensor]> = [...[...state.store.entries.values()].map((e) => [`param/${e.name}`, e.variable] as const), ...slots];
  try {
    const values = await Promise.all(named.map(([, t]) => saved(t)));
    await saveCheckpoint(dir, { meta, tensors: Object.fromEntries(named.map(([name], i) => [name, values[i] as SavedTensor])) });
  } finally {
    tf.dispose(slots.map(([, t]) => t));
  }
};

/** Loads the checkpoint in `dir` into the network and optimizers; undefined when there is none. */
export const restoreSearchCheckpoint = async (dir: string, state: SearchState): Promise<SearchCheckpointMeta | undefined> => {
  const checkpoint = await loadCheckpoint(dir);
  if (checkpoint === undefined) return undefined;
  const meta = pipe(
    SearchCheckpointMeta.decode(checkpoint.meta),
    E.getOrElseW((errors) => {
      throw new ResumeError(`${dir}: not a search checkpoint (${PathReporter.report(E.left(errors)).join('; ')})`);
    }),
  );
  for (const e of state.store.entries.values()) {
    const t = checkpoint.tensors[`param/${e.name}`];
    if (t === undefined) throw new ResumeError(`${dir}: checkpoint has no parameter ${e.name} (a different network?)`);
    if (!tf.util.arraysEqual([...t.shape], e.variable.shape))
      throw new ResumeError(`${dir}: parameter ${e.name} has shape [${t.shape.join(',')}], this network has [${e.variable.shape.join(',')}]`);
    assignParam(e, t.data);
  }
  for (const [which, optimizer] of Object.entries(state.optimizers)) {
    const prefix = `opt.${which}/`;
    const slots: Record<string, tf.Tensor> = {};
    for (const [key, t] of Object.entries(checkpoint.tensors))
      if (key.startsWith(prefix)) slots[logicalOptimizerKey(key.slice(prefix.length))] = tf.tensor(t.data, [...t.shape], t.dtype);
    try {
      await restoreOptimizerState(optimizer, slots);
    } catch (e) {
      throw new ResumeError(`${dir}: ${which} optimizer state does not fit: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      tf.dispose(Object.values(slots));
    }
  }
  return meta;
};
