import * as t from 'io-ts';

// The weighted sum of a search node (DARTS's MixedOp outputs over every incoming edge) as fused kernels, declared once
// like the approximate convolutions (kernel-names.ts). It replaces, per candidate, a Slice of the softmax weights and a
// Multiply, then an AddN, and their gradients (two Multiplies, two Casts, a Sum and a Reshape per candidate).
export const WeightedSum = 'WeightedSum';
export const WeightedSumWeightGrad = 'WeightedSumWeightGrad';

/**
 * `WeightedSum` inputs, an array: `[weights, x0, ..., x(k-1)]`, `weights` float32 of any shape (read flat), the
 * candidates float32 of one shape. Output: `sum_j weights[indices[j]] * x_j`, the candidates' shape, added in order
 * j = 0, 1, ... from 0.0. An array because tfjs saves every input of such a kernel for the gradient (saveAllInputs).
 *
 * `WeightedSumWeightGrad` inputs, an array: `[dy, x0, ..., x(k-1)]`. Output: float32 of shape `weightsShape`, holding
 * `sum(dy * x_j)` at flat index `indices[j]` (summed where an index repeats) and 0 elsewhere.
 */
export const WeightedSumAttrs = t.readonly(t.type({ indices: t.readonlyArray(t.number) }), 'WeightedSumAttrs');
export type WeightedSumAttrs = t.TypeOf<typeof WeightedSumAttrs>;

export const WeightedSumWeightGradAttrs = t.readonly(t.type({ indices: t.readonlyArray(t.number), weightsShape: t.readonlyArray(t.number) }), 'WeightedSumWeightGradAttrs');
export type WeightedSumWeightGradAttrs = t.TypeOf<typeof WeightedSumWeightGradAttrs>;
