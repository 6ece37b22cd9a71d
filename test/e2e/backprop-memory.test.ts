import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DARTS_SPACE, type SearchSpace } from '@approx-darts/search-space';
import { DARTS_SEARCH_PLAN, type BiLevelPlan } from '@approx-darts/schedule';
import { buildSearchNetwork, disposeParams } from '@approx-darts/networks';
import { runSearch, variableGradsReleasing } from '@approx-darts/run';
import { selectEngine } from '@approx-darts/engines';
import { declareDirectDilation } from '@approx-darts/kernels';
import { loadCpuNative } from '@approx-darts/cpu-native';
import { syntheticRecords } from '../../datasets/cifar10/src/test-support';

// Issue 17, item 8: the backward pass released as it goes (libs/run/src/autodiff/backprop-release.ts) gives
// tfjs's gradients bit for bit with a lower peak, and a search's tensors and resident memory stay flat over epochs.

const space: SearchSpace = { ...DARTS_SPACE, macro: { ...DARTS_SPACE.macro, cells: 2, channels: 4 } };

beforeAll(async () => {
  await selectEngine('cpu');
});

const lossOf = (net: ReturnType<typeof buildSearchNetwork>, x: tf.Tensor4D, y: tf.Tensor1D) => (): tf.Scalar =>
  tf.losses.softmaxCrossEntropy(tf.oneHot(y, 10), net.forward(x, 'train')) as tf.Scalar;

// The margin depends on what tfjs keeps: composed of pad / space-to-batch ops (any engine), a dilated convolution
// leaves large intermediates the released backward frees early (peak 23.4 MB against tfjs's 35.4 MB here); as one
// native kernel each way (libs/kernels/src/direct-dilation.ts) there are fewer (16.3 MB against 20.3 MB).
const natively = loadCpuNative().ok;
const paths = [
  { dilation: 'composed', direct: false, bound: 0.75 },
  ...(natively ? [{ dilation: 'one native kernel', direct: true, bound: 0.85 }] : []),
];

describe.each(paths)('variableGradsReleasing, dilated convolutions $dilation', ({ direct, bound }) => {
  it("equals tf.variableGrads exactly, leaves the same tensors alive, and peaks lower", async () => {
    declareDirectDilation('cpu', direct);
    const net = buildSearchNetwork(space, { seed: 3 });
    const x = tf.randomNormal([4, 16, 16, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    const y = tf.tensor1d([1, 4, 7, 9], 'int32');
    const variables = [...net.weights, net.alphas.normal, net.alphas.reduce];
    const run = async (grad: typeof variableGradsReleasing) => {
      const before = tf.memory().numTensors;
      let out: { readonly value: tf.Scalar; readonly grads: tf.NamedTensorMap } | undefined;
      const profile = await tf.profile(() => {
        out = grad(lossOf(net, x, y), variables);
        return [out.value, ...Object.values(out.grads)];
      });
      const alive = tf.memory().numTensors - before;
      const values = await Promise.all(variables.map((v) => out!.grads[v.name]?.data() ?? null));
      const loss = await out!.value.data();
      tf.dispose([out!.value, ...Object.values(out!.grads)]);
      return { alive, peak: profile.peakBytes, values, loss };
    };
    const tfjs = await run((f, vs) => tf.variableGrads(f, [...vs]));
    const released = await run(variableGradsReleasing);
    expect(released.loss).toEqual(tfjs.loss);
    expect(released.values).toEqual(tfjs.values);
    expect(released.alive).toBe(tfjs.alive);
    expect(released.values.filter((v) => v !== null).length).toBeGreaterThan(variables.length / 2);
    // What tfjs kept to the end (every saved activation and every intermediate gradient) is gone earlier.
    expect(released.peak).toBeLessThan(bound * tfjs.peak);
    tf.dispose([x, y]);
    disposeParams(net.store);
  });
});

describe('search memory over epochs', () => {
  it('keeps the tensor count flat and resident memory bounded from the second epoch on', async () => {
    const plan: BiLevelPlan = { ...DARTS_SEARCH_PLAN, epochs: 5, warmupEpochs: 1, batchSize: 4 };
    const tensors: number[] = [];
    const rss: number[] = [];
    await runSearch({
      space,
      plan,
      seed: 2,
      records: syntheticRecords(16, 4),
      outDir: await mkdtemp(join(tmpdir(), 'search-memory-')),
      resume: false,
      onEpoch: () => {
        tensors.push(tf.memory().numTensors);
        rss.push(process.memoryUsage().rss);
      },
    });
    // Epoch 1 is the warm-up (no architecture step yet); from epoch 2 on every epoch does the same work.
    expect(new Set(tensors.slice(1)).size).toBe(1);
    const growthMb = (Math.max(...rss.slice(1)) - (rss[1] ?? 0)) / 2 ** 20;
    expect(growthMb).toBeLessThan(64);
  });
});
