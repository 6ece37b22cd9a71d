import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '@approx-darts/cifar10';
import type { EvalNetwork } from '@approx-darts/networks';
import type { StepProfiler } from '../profile';
import { clipByGlobalNorm, globalNormSquared } from '@approx-darts/optimizers';
import { byLogicalName, stepOptimizer, type BoundOptimizer } from '@approx-darts/optimizers';
import { readScalars } from '../readback/read-scalars';
import { correctCount, crossEntropy } from '../loss';
import { DivergedError } from '../run-errors';
import { evaluate, type PassProgress } from '../evaluate';
import { variableGradsReleasing } from '../autodiff/backprop-release';

export interface PassResult extends PassProgress {
  readonly seconds: number;
  readonly maxGradNorm: number;
}

export interface TrainStepOptions {
  readonly epoch: number;
  readonly lr: number;
  readonly dropPath: number;
  readonly random: () => number;
  readonly auxiliaryWeight: number;
  readonly gradClip: number | undefined;
  /** Counts the kernels of every training step (`train --profile`). */
  readonly profiler?: StepProfiler;
}

const sums = () => ({ images: 0, loss: 0, correct: 0 });
const progressOf = (s: ReturnType<typeof sums>): PassProgress => ({
  images: s.images,
  loss: s.images > 0 ? s.loss / s.images : 0,
  accuracy: s.images > 0 ? s.correct / s.images : 0,
});

/**
 * One training epoch: per batch, loss = CE(logits) + auxiliaryWeight * CE(aux logits), gradients of the weights,
 * global-norm clipping on the device, one optimizer step, then one read of the batch's loss, correct count and
 * squared gradient norm together (only asynchronous reads work on the webgpu engine, and reading once the update is
 * queued keeps the device busy). A non-finite loss or gradient norm throws DivergedError: that batch's update
 * is already applied, so the network must be discarded, as runTraining does (it keeps the last good checkpoint).
 */
export const trainEpoch = async (
  network: EvalNetwork,
  optimizer: BoundOptimizer,
  batches: AsyncIterable<Batch>,
  o: TrainStepOptions,
  onBatch?: (p: PassProgress, batchImages: number) => void,
): Promise<PassResult> => {
  const start = performance.now();
  const s = sums();
  let maxGradNorm = 0;
  let index = 0;
  for await (const batch of batches) {
    const trainStep = async () => {
      const y = batch.y as tf.Tensor1D;
      const n = batch.x.shape[0];
      const side: { correct?: tf.Scalar } = {};
      const { value, grads: byVariable } = variableGradsReleasing(() => {
        const out = network.forward(batch.x, 'train', { probability: o.dropPath, random: o.random });
        side.correct = tf.keep(correctCount(out.logits, y));
        const main = crossEntropy(out.logits, y);
        return out.auxLogits === undefined || o.auxiliaryWeight === 0 ? main : tf.add(main, tf.mul(crossEntropy(out.auxLogits, y), o.auxiliaryWeight));
      }, network.weights);
      const grads = byLogicalName(optimizer.params, byVariable);
      const clipped = o.gradClip === undefined ? undefined : clipByGlobalNorm(grads, o.gradClip);
      const normSquared = clipped?.normSquared ?? globalNormSquared(Object.values(grads));
      stepOptimizer(optimizer, clipped?.grads ?? grads, o.lr);
      tf.dispose([batch.x, batch.y, ...Object.values(grads), ...Object.values(clipped?.grads ?? {})]);
      return { n, values: await readScalars([value, side.correct ?? tf.scalar(0), normSquared]) };
    };
    const { n, values } = await (o.profiler === undefined ? trainStep() : o.profiler.around(trainStep));
    const [loss = Number.NaN, correct = 0, squared = Number.NaN] = values;
    const norm = Math.sqrt(squared);
    if (!Number.isFinite(loss) || !Number.isFinite(norm)) {
      throw new DivergedError(`the loss became ${Number.isFinite(loss) ? `finite but the gradient norm is ${norm}` : loss} at epoch ${o.epoch + 1}, batch ${index + 1}`, o.epoch, index);
    }
    maxGradNorm = Math.max(maxGradNorm, norm);
    s.images += n;
    s.loss += loss * n;
    s.correct += correct;
    index += 1;
    onBatch?.(progressOf(s), n);
  }
  return { ...progressOf(s), seconds: (performance.now() - start) / 1000, maxGradNorm };
};

/** Loss and accuracy of the evaluation network in inference mode (running BN statistics, recorded ranges). */
export const evaluateNetwork = async (network: EvalNetwork, batches: AsyncIterable<Batch>, onBatch?: (p: PassProgress, batchImages: number) => void): Promise<PassResult> => ({
  ...(await evaluate((x) => network.forward(x, 'eval').logits, batches, onBatch)),
  maxGradNorm: 0,
});
