import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { DARTS_SPACE, edgesOf, type SearchSpace } from '@approx-darts/search-space';
import { approximableColumns, softmax } from '@approx-darts/genotype';
import { expectedSearchEnergy, searchEnergyTable } from '@approx-darts/energy';
import { expectedEnergyOf } from './expected-energy';
import '@approx-darts/kernels';

const SMALL: SearchSpace = { ...DARTS_SPACE, macro: { ...DARTS_SPACE.macro, cells: 3, channels: 4 } };
const table = searchEnergyTable(SMALL, [
  { name: 'mul8u_1JFF', powerMw: 0.391 },
  { name: 'mul8u_NGR', powerMw: 0.276 },
  { name: 'mul8u_DM1', powerMw: 0.195 },
  { name: 'fp32', powerMw: null },
]);
const EDGES = edgesOf(SMALL.topology).length;
const OPS = SMALL.normal.length;
const K = approximableColumns(SMALL.normal).length;
const M = table.multipliers.length;

// Deterministic spread-out logits (a softmax near uniform would hide a wrong sign or index).
const logits = (n: number, salt: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + salt) * 2);

describe('expected energy in tfjs', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  const params = () => ({
    alphaN: tf.variable(tf.tensor2d(logits(EDGES * OPS, 1), [EDGES, OPS])),
    alphaR: tf.variable(tf.tensor2d(logits(EDGES * OPS, 2), [EDGES, OPS])),
    betaN: tf.variable(tf.tensor3d(logits(EDGES * K * M, 3), [EDGES, K, M])),
    betaR: tf.variable(tf.tensor3d(logits(EDGES * K * M, 4), [EDGES, K, M])),
  });
  type Params = ReturnType<typeof params>;
  const energy = expectedEnergyOf(table);
  // E / E_ref, the scale the architecture loss uses (the penalty is lambda times this).
  const ratio = (p: Params): tf.Scalar =>
    tf.mul(
      energy.fn({
        ops: { normal: tf.softmax(p.alphaN as tf.Tensor2D), reduce: tf.softmax(p.alphaR as tf.Tensor2D) },
        multipliers: { normal: tf.softmax(p.betaN as tf.Tensor3D), reduce: tf.softmax(p.betaR as tf.Tensor3D) },
      }),
      1 / table.referencePj,
    );

  it('equals the pure expectedSearchEnergy at the same softmaxes', async () => {
    const p = params();
    const host = async (v: tf.Variable) => (await v.array()) as never;
    const [aN, aR, bN, bR] = (await Promise.all([host(p.alphaN), host(p.alphaR), host(p.betaN), host(p.betaR)])) as [number[][], number[][], number[][][], number[][][]];
    const sm2 = (m: number[][]) => m.map((r) => [...softmax(r)]);
    const sm3 = (m: number[][][]) => m.map((e) => e.map((r) => [...softmax(r)]));
    const pure = expectedSearchEnergy(table, { ops: { normal: sm2(aN), reduce: sm2(aR) }, multipliers: { normal: sm3(bN), reduce: sm3(bR) } });
    const value = tf.tidy(() => tf.mul(ratio(p), table.referencePj));
    expect((await value.data())[0]).toBeCloseTo(pure, -1); // float32 against float64 on ~1e6 pJ
    expect(Math.abs(((await value.data())[0] ?? 0) / pure - 1)).toBeLessThan(1e-5);
    tf.dispose([value, ...Object.values(p)]);
  });

  it('gradients with respect to the alphas and the betas match central finite differences', async () => {
    const p = params();
    const vars: tf.Variable[] = [p.alphaN, p.alphaR, p.betaN, p.betaR];
    const { grads } = tf.variableGrads(() => ratio(p), vars);
    const h = 1e-2;
    let checked = 0;
    for (const v of vars) {
      const g = (await grads[v.name]?.data()) ?? new Float32Array();
      const base = (await v.data()) as Float32Array;
      // Every seventh entry: spread over edges, ops and multipliers.
      for (let i = 0; i < v.size; i += 7) {
        const at = (d: number): number =>
          tf.tidy(() => {
            const shifted = Float32Array.from(base);
            shifted[i] = (shifted[i] ?? 0) + d;
            v.assign(tf.tensor(shifted, v.shape));
            return ratio(p).dataSync()[0] ?? Number.NaN;
          });
        const fd = (at(h) - at(-h)) / (2 * h);
        v.assign(tf.tensor(base, v.shape));
        const analytic = g[i] ?? Number.NaN;
        // float32 E/E_ref ~ 1 has ~1e-7 rounding, so the difference quotient is good to ~1e-5 absolute.
        expect(Math.abs(fd - analytic)).toBeLessThan(2e-4 + 1e-2 * Math.abs(analytic));
        checked++;
      }
      expect(Math.max(...Array.from(g, Math.abs))).toBeGreaterThan(1e-4);
    }
    expect(checked).toBeGreaterThan(50);
    tf.dispose([...Object.values(grads), ...vars]);
  });
});
