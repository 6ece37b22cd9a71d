import * as tf from '@tensorflow/tfjs-core';
import type { SearchEnergyTable } from '@approx-darts/energy';
// The core gradients (Mul, Sum, GatherV2, Softmax) the energy term's backward pass needs.
import '@approx-darts/kernels';
import type { CellType } from '@approx-darts/search-space';

/** Softmaxed architecture weights of both cell types: ops `[edges, ops]`, multipliers `[edges, approximable ops, multipliers]`. */
export interface ArchitectureWeights {
  readonly ops: Readonly<Record<CellType, tf.Tensor2D>>;
  readonly multipliers: Readonly<Record<CellType, tf.Tensor3D>>;
}

/** The expected energy (pJ) of the search network under architecture weights, differentiable in both. */
export type ExpectedEnergy = (w: ArchitectureWeights) => tf.Scalar;

const cellConstants = (table: SearchEnergyTable, cell: CellType) => {
  const { exact, approx, columns } = table[cell];
  return {
    exact: tf.tensor2d(exact.map((r) => [...r])),
    approx: tf.tensor3d(approx.map((r) => r.map((m) => [...m]))),
    columns: tf.tensor1d([...columns], 'int32'),
    hasApprox: columns.length > 0,
  };
};

/**
 * The tfjs form of `expectedSearchEnergy` (libs/energy/src/search-energy.ts): the same weighted sums over the table,
 * so tfjs autodiff gives dE/dalpha and dE/dbeta. The table's constants live on the device until `dispose`.
 * @example const energy = expectedEnergyOf(table); const e = energy.fn(weights); energy.dispose();
 */
export const expectedEnergyOf = (table: SearchEnergyTable): { readonly fn: ExpectedEnergy; readonly dispose: () => void } => {
  const cells = { normal: cellConstants(table, 'normal'), reduce: cellConstants(table, 'reduce') };
  const fn: ExpectedEnergy = (w) =>
    tf.tidy(() => {
      const terms = (['normal', 'reduce'] as const).map((cell) => {
        const c = cells[cell];
        const p = w.ops[cell];
        const exactPart = tf.sum(tf.mul(p, c.exact));
        if (!c.hasApprox) return exactPart;
        // p of each approximable op times its expected energy over the multipliers.
        const perOp = tf.sum(tf.mul(w.multipliers[cell], c.approx), 2);
        return tf.add(exactPart, tf.sum(tf.mul(tf.gather(p, c.columns, 1), perOp)));
      });
      return tf.add(tf.addN(terms), table.basePj) as tf.Scalar;
    });
  return { fn, dispose: () => tf.dispose(Object.values(cells).flatMap((c) => [c.exact, c.approx, c.columns])) };
};
