import * as tf from '@tensorflow/tfjs-core';

// tfjs's `variableGrads` keeps every tensor of the backward pass until the whole gradient is done: the activations
// each kernel saved for its gradient (released only after the last node) and the gradient of every intermediate
// (released only when the backward scope ends). For the search network that is every activation and its gradient at
// once, most of the process's resident memory. This does the same walk over the same tape, but releases a node's
// saved tensors and the gradients of its outputs as soon as that node's gradient is computed: in the reverse walk
// every consumer of a tensor comes before its producer, so by then nothing else needs them.

/** The part of a tfjs tape node this walk reads. */
interface TapeNode {
  readonly id: number;
  readonly kernelName: string;
  inputs: Record<string, tf.Tensor>;
  readonly outputs: readonly tf.Tensor[];
  readonly gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
  readonly saved?: readonly tf.Tensor[];
}

/** The engine internals the walk uses (tfjs-core 4.x: `ENGINE.gradients`' own steps). */
interface EngineInternals {
  readonly state: { activeTape: TapeNode[] | null; gradientDepth: number };
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  startTape(): void;
  endTape(): void;
  tidy<T extends tf.TensorContainer>(name: string, f: () => T): T;
}

const engine = (): EngineInternals => tf.engine() as unknown as EngineInternals;

/** The nodes of the tape on a path from some x to y, with inputs not computed from an x pruned (as tfjs does). */
const nodesFromXsToY = (tape: readonly TapeNode[], xs: readonly tf.Tensor[], y: tf.Tensor): TapeNode[] => {
  const fromX = new Set(xs.map((x) => x.id));
  const nodesFromX = new Set<number>();
  for (const node of tape)
    if (Object.values(node.inputs).some((input) => fromX.has(input.id))) {
      node.outputs.forEach((o) => fromX.add(o.id));
      nodesFromX.add(node.id);
    }
  const toY = new Set([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i] as TapeNode;
    if (node.outputs.some((o) => toY.has(o.id))) {
      Object.values(node.inputs).forEach((input) => toY.add(input.id));
      nodesToY.add(node.id);
    }
  }
  return tape
    .filter((node) => nodesFromX.has(node.id) && nodesToY.has(node.id))
    .map((node) => ({ ...node, inputs: Object.fromEntries(Object.entries(node.inputs).filter(([, input]) => fromX.has(input.id))) }));
};

/**
 * `tf.variableGrads(f, variables)` with the backward pass's memory released as it goes (see above): the same
 * values and gradients, the same tensors left alive afterwards (the loss and the gradients). Inside another
 * gradient (a nested tape, whose outer tape still needs the saved tensors) it is tfjs's own.
 */
export const variableGradsReleasing = (f: () => tf.Scalar, variables: readonly tf.Variable[]): { readonly value: tf.Scalar; readonly grads: tf.NamedTensorMap } => {
  const e = engine();
  if (e.state.gradientDepth > 0) return tf.variableGrads(f, [...variables]);
  const xs: readonly tf.Tensor[] = variables;
  const y = e.scopedRun(
    () => e.startTape(),
    () => e.endTape(),
    () => e.tidy('forward', f),
  );
  if (!(y instanceof tf.Tensor) || y.rank !== 0) throw new Error('variableGradsReleasing: f must return a scalar tensor');
  const tape = e.state.activeTape ?? [];
  try {
    const nodes = nodesFromXsToY(tape, xs, y);
    const isX = new Set(xs.map((x) => x.id));
    const result = e.tidy('backward', () => {
      const gradOf = new Map<number, tf.Tensor>([[y.id, tf.onesLike(y)]]);
      for (let i = nodes.length - 1; i >= 0; i--) {
        const node = nodes[i] as TapeNode;
        if (node.gradient === undefined) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
        const inputGradients = node.gradient(node.outputs.map((o) => gradOf.get(o.id) ?? null));
        for (const [name, x] of Object.entries(node.inputs)) {
          const gradient = inputGradients[name];
          if (gradient === undefined) throw new Error(`Cannot backprop through input ${name} of ${node.kernelName}.`);
          const dx = tf.tidy(gradient);
          const current = gradOf.get(x.id);
          if (current === undefined) gradOf.set(x.id, dx);
          else {
            gradOf.set(x.id, tf.add(current, dx));
            current.dispose();
            dx.dispose();
          }
        }
        // Every consumer of this node's outputs came later on the tape, so their gradients are complete and used.
        for (const o of node.outputs)
          if (!isX.has(o.id)) {
            gradOf.get(o.id)?.dispose();
            gradOf.delete(o.id);
          }
        node.saved?.forEach((t) => t.dispose());
      }
      return variables.map((v) => gradOf.get(v.id) ?? null) as tf.TensorContainer;
    }) as (tf.Tensor | null)[];
    const grads: tf.NamedTensorMap = {};
    variables.forEach((v, i) => {
      const g = result[i];
      if (g !== null && g !== undefined) grads[v.name] = g;
    });
    return { value: y as tf.Scalar, grads };
  } finally {
    for (const node of tape) node.saved?.forEach((t) => t.dispose());
    e.state.activeTape = null;
  }
};
