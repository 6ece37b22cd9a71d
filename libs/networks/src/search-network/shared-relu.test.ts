import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { DARTS_OPERATIONS } from '@approx-darts/search-space';
import { beforeAll, describe, expect, it } from 'vitest';
import '@approx-darts/kernels';
import { startKernelProfile } from '@approx-darts/kernels';
import type { BuildContext } from './block';
import { buildOperation } from './operations';
import { createParamStore, disposeParams } from './params';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ctx = (): BuildContext => ({ store: createParamStore(1), affine: false, poolBn: true, bindingOf: () => null });

describe('one ReLU per input tensor (operations.ts)', () => {
  it('serves every op of an edge in one forward pass, and the gradient still reaches the input through each', () => {
    const c = ctx();
    const ops = [DARTS_OPERATIONS.sep_conv_3x3, DARTS_OPERATIONS.sep_conv_5x5, DARTS_OPERATIONS.dil_conv_3x3].map((op, i) => buildOperation(c, `e.${i}`, op, 2, 1));
    const x = tf.randomNormal([1, 5, 5, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
    const f = (v: tf.Tensor): tf.Scalar => tf.addN(ops.map((op) => tf.sum(op(v as tf.Tensor4D, 'train')))) as tf.Scalar;
    const p = startKernelProfile();
    const shared = tf.grad(f)(x);
    // 3 ReLUs of the edge input become 1; the inner ReLUs of the two sep convs (of different tensors) stay.
    expect(p.stop().byKernel['Relu']?.count).toBe(1 + 2);
    // Each op alone, each under its own tape: the sum of their gradients is the shared gradient.
    const separate = ops.map((op) => tf.grad((v: tf.Tensor) => tf.sum(op(v as tf.Tensor4D, 'train')))(x));
    const sum = tf.addN(separate);
    expect(Math.max(...Array.from(tf.abs(tf.sub(shared, sum)).dataSync()))).toBeLessThan(1e-5);
    expect(Math.max(...Array.from(tf.abs(shared).dataSync()))).toBeGreaterThan(0);
    tf.dispose([x, shared, ...separate, sum]);
    disposeParams(c.store);
  });

  it('is recomputed under a new gradient tape, so a second gradient of the same input is not zero', () => {
    const c = ctx();
    const op = buildOperation(c, 'e', DARTS_OPERATIONS.dil_conv_3x3, 2, 1);
    const x = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 2) as tf.Tensor4D;
    const y = op(x, 'train');
    const g = tf.grad((v: tf.Tensor) => tf.sum(op(v as tf.Tensor4D, 'train')))(x);
    expect(Math.max(...Array.from(tf.abs(g).dataSync()))).toBeGreaterThan(0);
    tf.dispose([x, y, g]);
    disposeParams(c.store);
  });
});
