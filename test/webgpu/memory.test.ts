// Bi-level search steps on webgpu hold the same tensors and the same GPU bytes after every step: nothing leaks per
// step, on the host (tfjs tensors) or on the device (buffers the backend keeps in use). One cell, C = 2, 8 px images,
// approximate ops: the smallest network that still runs every kind of kernel of a step (SwiftShader runs each
// dispatch on the CPU, so the network is kept small enough for 50 steps in CI).
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { DARTS_SPACE, isApproximable, type SearchSpace } from '@approx-darts/search-space';
import { DARTS_SEARCH_PLAN } from '@approx-darts/schedule';
import { loadMultiplierTable } from '@approx-darts/io';
import { alphaParams, architectureStep, weightParams, readBatchStats, weightStep } from '@approx-darts/run';
import { bindOptimizer, disposeOptimizer } from '@approx-darts/optimizers';
import { buildSearchNetwork, disposeParams } from '@approx-darts/networks';
import { slowWebgpuSuites, webgpuForTests } from './webgpu-for-tests';

const engine = slowWebgpuSuites('webgpu memory over 50 steps') ? await webgpuForTests() : undefined;
const space: SearchSpace = { ...DARTS_SPACE, macro: { ...DARTS_SPACE.macro, cells: 1, channels: 2 } };

describe.skipIf(engine === undefined)('memory on webgpu', () => {
  it('tensors and GPU bytes stay flat over 50 bi-level steps of an approximate search network', async () => {
    const approx = { table: await loadMultiplierTable('mul8u_NGR'), quantization: 'asymmetric' as const, perChannelWeights: false };
    const net = buildSearchNetwork(space, { seed: 1, bindingOf: (op) => (isApproximable(op) ? approx : null) });
    const wOpt = bindOptimizer(DARTS_SEARCH_PLAN.weights, weightParams(net));
    const aOpt = bindOptimizer(DARTS_SEARCH_PLAN.architecture, alphaParams(net));
    const batch = { x: tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D, y: tf.tensor1d([1, 2], 'int32') };
    const samples: { tensors: number; gpuBytes: number }[] = [];
    for (let i = 0; i < 50; i++) {
      const [valid, train] = await readBatchStats([
        architectureStep(net, batch, aOpt, 3e-4, undefined),
        weightStep(net, batch, wOpt, 0.025),
      ]);
      expect(Number.isFinite(valid?.loss) && Number.isFinite(train?.loss)).toBe(true);
      const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
      samples.push({ tensors: m.numTensors, gpuBytes: m.numBytesInGPU ?? Number.NaN });
    }
    expect(tf.getBackend()).toBe('webgpu');
    // The first step creates what lives for the run (optimizer slots, the uploaded table); from then on, every step
    // ends holding exactly what the one before held.
    const steady = samples.slice(1);
    console.log(`after each of 50 steps: ${steady[0]?.tensors} tensors, ${steady[0]?.gpuBytes} GPU bytes in use`);
    expect(new Set(steady.map((s) => s.tensors)).size).toBe(1);
    expect(new Set(steady.map((s) => s.gpuBytes)).size).toBe(1);
    expect(steady[0]?.gpuBytes).toBeGreaterThan(0);
    disposeOptimizer(wOpt);
    disposeOptimizer(aOpt);
    tf.dispose([batch.x, batch.y]);
    disposeParams(net.store);
  }, 1_800_000);
});
