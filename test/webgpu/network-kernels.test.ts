// Every tfjs kernel the networks run on webgpu, forward and gradient, against the cpu engine at the shapes the
// networks really use: a search network over the DARTS space (fp32 and approximate ops), an evaluation network
// (auxiliary head, drop path, recorded input ranges), the loss and both optimizers' updates. Each call of a new
// signature is replayed on the cpu engine (test/webgpu/kernel-tap.ts); float kernels agree to float32 summation-order
// error, integer kernels and the approximate convolutions exactly.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { DARTS_SPACE, DARTS_EVAL_MACRO, isApproximable, type SearchSpace } from '@approx-darts/search-space';
import { DARTS_V2 } from '@approx-darts/genotype';
import { DARTS_SEARCH_PLAN } from '@approx-darts/schedule';
import { loadMultiplierTable } from '@approx-darts/io';
import { alphaParams, weightParams } from '@approx-darts/run';
import { bindOptimizer, byLogicalName, disposeOptimizer, stepOptimizer } from '@approx-darts/optimizers';
import { buildEvalNetwork, buildSearchNetwork, disposeParams } from '@approx-darts/networks';
import { selectEngine } from '@approx-darts/engines';
import { setupWebgpu } from '@approx-darts/engine-webgpu';
import { approxKernelNames } from '@approx-darts/kernels';
import { tapWebgpuKernels, type KernelDifference } from './kernel-tap';
import { webgpuForTests } from './webgpu-for-tests';

// The cpu engine's kernels (its fast and corrected ones) are the reference: register them before webgpu starts.
await selectEngine('cpu');
const engine = await webgpuForTests();

// float32 kernels on two engines sum in different orders; 1e-4 of the output's norm is far above that and far below
// a semantic difference (tfjs-webgpu's own AvgPoolGrad was 29 % off at 'same' borders).
const floatTolerance = 1e-4;

const space: SearchSpace = { ...DARTS_SPACE, macro: { ...DARTS_SPACE.macro, cells: 3, channels: 4 } };

const lossOf = (logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 10), logits) as tf.Scalar;

const exercise = async (): Promise<void> => {
  const ngr = await loadMultiplierTable('mul8u_NGR');
  const approx = { table: ngr, quantization: 'asymmetric' as const, perChannelWeights: false };
  const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
  const labels = tf.tensor1d([3, 7], 'int32');
  for (const binding of [null, approx]) {
    const net = buildSearchNetwork(space, { seed: 4, bindingOf: (op) => (isApproximable(op) ? binding : null) });
    const sgd = bindOptimizer(DARTS_SEARCH_PLAN.weights, weightParams(net));
    const adam = bindOptimizer(DARTS_SEARCH_PLAN.architecture, alphaParams(net));
    const { value, grads } = tf.variableGrads(() => lossOf(net.forward(x, 'train'), labels), [...net.weights, net.alphas.normal, net.alphas.reduce]);
    stepOptimizer(sgd, byLogicalName(sgd.params, grads), 0.1);
    stepOptimizer(adam, byLogicalName(adam.params, grads), 1e-3);
    await value.data();
    tf.dispose([value, ...Object.values(grads), net.forward(x, 'eval')]);
    disposeOptimizer(sgd);
    disposeOptimizer(adam);
    disposeParams(net.store);
  }
  // The auxiliary head (5x5 pool stride 3, then a 2x2 conv, both valid) needs the 8x8 map of a 32 px image.
  const image = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 12) as tf.Tensor4D;
  const evalNet = buildEvalNetwork({ genotype: DARTS_V2, macro: { ...DARTS_EVAL_MACRO, cells: 3, channels: 4 }, seed: 5, auxiliary: true, approx });
  const { value, grads } = tf.variableGrads(() => {
    const out = evalNet.forward(image, 'train', { probability: 0.3, random: () => 0.25 });
    return tf.add(lossOf(out.logits, labels), tf.mul(0.4, lossOf(out.auxLogits as tf.Tensor2D, labels))) as tf.Scalar;
  }, [...evalNet.weights]);
  const inference = evalNet.forward(image, 'eval').logits;
  await inference.data();
  tf.dispose([value, inference, ...Object.values(grads), x, image, labels]);
  disposeParams(evalNet.store);
};

describe.skipIf(engine === undefined)('network kernels on webgpu against the cpu engine', () => {
  it('every kernel call of a search step and a training step agrees with the cpu engine', async () => {
    await setupWebgpu();
    const tap = tapWebgpuKernels();
    let differences: readonly KernelDifference[];
    try {
      await exercise();
    } finally {
      differences = await tap.replay();
    }
    const kernels = [...new Set(differences.map((d) => d.kernel))].sort();
    console.log(`${differences.length} kernel signatures, ${kernels.length} kernels: ${kernels.join(' ')}`);
    // The networks' distinctive kernels all ran, including the approximate convolutions and the pool gradients.
    for (const k of [...approxKernelNames, 'AvgPool', 'AvgPoolGrad', 'MaxPool', 'MaxPoolGrad', 'Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'SpaceToBatchND', 'BatchToSpaceND', 'PadV2'])
      expect(kernels).toContain(k);
    const wrong = differences.filter((d) => (approxKernelNames.includes(d.kernel as never) ? !d.exact : d.relativeError > floatTolerance));
    expect(wrong.map((d) => `${d.signature}: ${d.relativeError.toExponential(2)}`)).toEqual([]);
  }, 600_000);
});
