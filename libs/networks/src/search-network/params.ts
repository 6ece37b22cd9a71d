import * as tf from '@tensorflow/tfjs-core';

/**
 * Named parameters of one network. Logical names (`cells.0.pre0.conv`) are what checkpoints store; the
 * tfjs variable gets a store-unique prefix because tfjs registers variable names globally, and tests or a
 * resume may hold several networks in one process.
 */
export interface ParamStore {
  readonly seed: number;
  readonly prefix: string;
  readonly entries: Map<string, ParamEntry>;
}

/** What a parameter is for: trained weights, architecture parameters, or state (BN running statistics). */
export type ParamRole = 'weight' | 'alpha' | 'state';

export interface ParamEntry {
  readonly name: string;
  readonly role: ParamRole;
  readonly variable: tf.Variable;
  /** Told the host values whenever a checkpoint restores the parameter, for host-side state derived from it (which
   *  the forward pass then needs no device read for). */
  readonly onRestore?: (values: ArrayLike<number>) => void;
}

let storeCounter = 0;

/** A fresh, empty store whose initializers are seeded from `seed`. */
export const createParamStore = (seed: number): ParamStore => {
  storeCounter += 1;
  return { seed, prefix: `p${storeCounter}_${seed}/`, entries: new Map() };
};

// FNV-1a over the name, mixed with the store seed: the init of a parameter depends on its name only,
// never on creation order, so adding a block elsewhere does not reshuffle every other init.
const seedFor = (storeSeed: number, name: string): number => {
  let h = (0x811c9dc5 ^ storeSeed) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
};

/** Initializers: a function of the shape and a seed. */
export type Init = (shape: readonly number[], seed: number) => tf.Tensor;

/** PyTorch's default for conv/linear weights and biases: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
export const uniformFanIn =
  (fanIn: number): Init =>
  (shape, seed) => {
    const bound = 1 / Math.sqrt(fanIn);
    return tf.randomUniform([...shape], -bound, bound, 'float32', seed);
  };

export const constantInit =
  (value: number): Init =>
  (shape) =>
    tf.fill([...shape], value);

/** Scaled standard normal, as DARTS initializes alphas (1e-3 * randn). */
export const normalInit =
  (std: number): Init =>
  (shape, seed) =>
    tf.randomNormal([...shape], 0, std, 'float32', seed);

/** Creates (once) the parameter `name`; a second call with the same name is a bug in a builder. */
export const param = (
  store: ParamStore,
  name: string,
  shape: readonly number[],
  init: Init,
  role: ParamRole = 'weight',
  onRestore?: ParamEntry['onRestore'],
): tf.Variable => {
  if (store.entries.has(name)) throw new Error(`parameter ${name} created twice`);
  const value = tf.tidy(() => init(shape, seedFor(store.seed, name)));
  const variable = tf.variable(value, role !== 'state', `${store.prefix}${name}`);
  value.dispose();
  store.entries.set(name, { name, role, variable, ...(onRestore !== undefined ? { onRestore } : {}) });
  return variable;
};

/** Sets a parameter to host values of its shape (a checkpoint's) and tells its `onRestore`. */
export const assignParam = (entry: ParamEntry, values: Float32Array | Int32Array): void => {
  tf.tidy(() => entry.variable.assign(tf.tensor(values, [...entry.variable.shape], 'float32')));
  entry.onRestore?.(values);
};

/** The variables of one role, in creation order. */
export const variablesOf = (store: ParamStore, role: ParamRole): readonly tf.Variable[] =>
  [...store.entries.values()].filter((e) => e.role === role).map((e) => e.variable);

/** Number of scalars in the parameters of one role (the "parameter count" for role 'weight'). */
export const countParameters = (store: ParamStore, role: ParamRole = 'weight'): number =>
  variablesOf(store, role).reduce((n, v) => n + v.size, 0);

/** Plain copies of every parameter by logical name: what a checkpoint stores. The reads are all in flight at once. */
export const snapshotParams = async (store: ParamStore): Promise<Record<string, { readonly shape: number[]; readonly data: Float32Array }>> => {
  const entries = [...store.entries.values()];
  const values = await Promise.all(entries.map((e) => e.variable.data() as Promise<Float32Array>));
  return Object.fromEntries(entries.map((e, i) => [e.name, { shape: [...e.variable.shape], data: values[i] as Float32Array }]));
};

/** Restores parameters by logical name; a missing or mis-shaped entry is an error naming it. */
export const restoreParams = (store: ParamStore, values: Readonly<Record<string, { readonly shape: readonly number[]; readonly data: Float32Array }>>): void => {
  for (const e of store.entries.values()) {
    const v = values[e.name];
    if (v === undefined) throw new Error(`checkpoint has no parameter ${e.name}`);
    if (v.shape.length !== e.variable.shape.length || v.shape.some((d, i) => d !== e.variable.shape[i]))
      throw new Error(`checkpoint parameter ${e.name} has shape [${v.shape.join(',')}], the network expects [${e.variable.shape.join(',')}]`);
    assignParam(e, v.data);
  }
};

/** Releases every variable of the store (unregisters their names). */
export const disposeParams = (store: ParamStore): void => {
  for (const e of store.entries.values()) e.variable.dispose();
  store.entries.clear();
};

/** Name scoping for builders: `scope('cells.0')('pre0')` === 'cells.0.pre0'. */
export const scope =
  (prefix: string) =>
  (name: string): string =>
    prefix === '' ? name : `${prefix}.${name}`;
