import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import * as O from 'fp-ts/Option';
import { isApproximable, operationFromName } from '@approx-darts/search-space';
import { DARTS_V2, type Genotype, type GenotypeCell } from '@approx-darts/genotype';
import { tableFromFunction } from '@approx-darts/multipliers';
import type { ApproxBinding } from '@approx-darts/kernels';
import { disposeParams } from '../search-network/params';
import { buildEvalNetwork } from './eval-network';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const tiny = { cells: 3, channels: 4, stemMultiplier: 3, classes: 10 };
// A coarse table (low byte dropped) so its products differ visibly from exact ones.
const coarse: ApproxBinding = { table: tableFromFunction('mul8u_COARSE', (a, b) => (a * b) & 0xff00), quantization: 'asymmetric', perChannelWeights: false };

const onApproximableEdges = (m: string) => (c: GenotypeCell): GenotypeCell => ({
  ...c,
  nodes: c.nodes.map((edges) =>
    edges.map((e) => {
      const op = operationFromName(e.op);
      return O.isSome(op) && isApproximable(op.value) ? { ...e, multiplier: m } : e;
    }),
  ),
});
const withEdges = (m: string): Genotype => ({ normal: onApproximableEdges(m)(DARTS_V2.normal), reduce: onApproximableEdges(m)(DARTS_V2.reduce) });

const logits = async (genotype: Genotype, approx: ApproxBinding | null, edgeBindings?: ReadonlyMap<string, ApproxBinding | null>): Promise<Float32Array> => {
  const net = buildEvalNetwork({ genotype, macro: tiny, seed: 4, auxiliary: false, approx, ...(edgeBindings !== undefined ? { edgeBindings } : {}) });
  const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
  const y = net.forward(x, 'train').logits;
  const values = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  disposeParams(net.store);
  return values;
};

describe('an evaluation network of a genotype with per-edge multipliers', () => {
  it('runs each edge on its own table, whatever the run multiplier', async () => {
    const runOnCoarse = await logits(DARTS_V2, coarse);
    const exact = await logits(DARTS_V2, null);
    expect(Array.from(runOnCoarse)).not.toEqual(Array.from(exact));
    // Every approximable edge names the coarse table; the run is fp32: the same network as the run on coarse.
    expect(Array.from(await logits(withEdges('mul8u_COARSE'), null, new Map([['mul8u_COARSE', coarse]])))).toEqual(Array.from(runOnCoarse));
    // Every approximable edge names fp32; the run is on coarse: the exact network.
    expect(Array.from(await logits(withEdges('fp32'), coarse, new Map([['fp32', null]])))).toEqual(Array.from(exact));
  });
});
