import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '@approx-darts/cifar10';
import type { EvalNetwork } from '../eval-network/eval-network';
import { clipByGlobalNorm } from '../optim/clip';
import type { Optimizer } from '../optim/optimizer';
import { correctCount, crossEntropy } from './loss';

/** Thrown when the loss or the gradient norm stops being finite; training stops without taking that step. */
export class NonFiniteLossError extends Error {
  constructor(
    message: string,
    readonly epoch: number,
    readonly batch: number,
  ) {
    super(message);
    this.name = 'NonFiniteLossError';
  }
}

/** Running totals of one pass, reported after every batch. */
export interface PassProgress {
  readonly images: number;
  readonly loss: number;
  readonly accuracy: number;
}

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
}

const sums = () => ({ images: 0, loss: 0, correct: 0 });
const progressOf = (s: ReturnType<typeof sums>): PassProgress => ({
  images: s.images,
  loss: s.images > 0 ? s.loss / s.images : 0,
  accuracy: s.images > 0 ? s.correct / s.images : 0,
});

/**
 * One training epoch: per batch, loss = CE(logits) + auxiliaryWeight * CE(aux logits), gradients of the weights,
 * global-norm clipping, one optimizer step. A non-finite loss or gradient norm throws NonFiniteLossError before
 * the step, so the weights stay those of the last good step.
 */
export const trainEpoch = async (
  network: EvalNetwork,
  optimizer: Optimizer,
  batches: AsyncIterable<Batch>,
  o: TrainStepOptions,
  onBatch?: (p: PassProgress, batchImages: number) => void,
): Promise<PassResult> => {
  const start = performance.now();
  const s = sums();
  let maxGradNorm = 0;
  let index = 0;
  for await (const batch of batches) {
    const y = batch.y as tf.Tensor2D;
    const n = batch.x.shape[0];
    const correct = tf.variable(tf.scalar(0, 'int32'), false);
    const { value, grads } = tf.variableGrads(() => {
      const out = network.forward(batch.x, 'train', { probability: o.dropPath, random: o.random });
      correct.assign(correctCount(out.logits, y));
      const main = crossEntropy(out.logits, y);
      return out.auxLogits === undefined || o.auxiliaryWeight === 0 ? main : tf.add(main, tf.mul(crossEntropy(out.auxLogits, y), o.auxiliaryWeight));
    }, [...network.weights]);
    const loss = (await value.data())[0] ?? Number.NaN;
    const clipped = o.gradClip === undefined ? undefined : clipByGlobalNorm(grads, o.gradClip);
    const norm =
      clipped?.norm ??
      tf.tidy(() => Math.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))).dataSync()[0] ?? Number.NaN));
    try {
      if (!Number.isFinite(loss) || !Number.isFinite(norm)) {
        throw new NonFiniteLossError(`the loss became ${Number.isFinite(loss) ? `finite but the gradient norm is ${norm}` : loss} at epoch ${o.epoch + 1}, batch ${index + 1}`, o.epoch, index);
      }
      optimizer.step(clipped?.grads ?? grads, o.lr);
      maxGradNorm = Math.max(maxGradNorm, norm);
      s.images += n;
      s.loss += loss * n;
      s.correct += (await correct.data())[0] ?? 0;
    } finally {
      tf.dispose([value, correct, batch.x, batch.y, ...Object.values(grads), ...Object.values(clipped?.grads ?? {})]);
    }
    index += 1;
    onBatch?.(progressOf(s), n);
  }
  return { ...progressOf(s), seconds: (performance.now() - start) / 1000, maxGradNorm };
};

/** Loss and accuracy of the network in inference mode (running BN statistics, recorded quantization ranges). */
export const evaluateNetwork = async (
  network: EvalNetwork,
  batches: AsyncIterable<Batch>,
  onBatch?: (p: PassProgress, batchImages: number) => void,
): Promise<PassResult> => {
  const start = performance.now();
  const s = sums();
  for await (const batch of batches) {
    const y = batch.y as tf.Tensor2D;
    const [loss, correct] = tf.tidy(() => {
      const { logits } = network.forward(batch.x, 'eval');
      return [crossEntropy(logits, y), correctCount(logits, y)];
    });
    const n = batch.x.shape[0];
    s.images += n;
    s.loss += ((await loss.data())[0] ?? Number.NaN) * n;
    s.correct += (await correct.data())[0] ?? 0;
    tf.dispose([loss, correct, batch.x, batch.y]);
    onBatch?.(progressOf(s), n);
  }
  return { ...progressOf(s), seconds: (performance.now() - start) / 1000, maxGradNorm: 0 };
};
