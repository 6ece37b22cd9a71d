import * as tf from '@tensorflow/tfjs-core';
import { batchNorm } from '../search-network/batch-norm';
import type { Mode } from '../search-network/block';
import { param, uniformFanIn, type ParamStore } from '../search-network/params';

/**
 * DARTS's auxiliary CIFAR head on the 8x8 feature map after the second reduction: ReLU, 5x5 average pool stride 3
 * (no padding, so 2x2), 1x1 conv to 128, BN, ReLU, 2x2 conv to 768, BN, ReLU, linear classifier. Exact arithmetic;
 * used in training only (loss weight 0.4 in the paper).
 */
export const auxiliaryHead = (store: ParamStore, name: string, channels: number, classes: number): ((x: tf.Tensor4D, mode: Mode) => tf.Tensor2D) => {
  const w1 = param(store, `${name}.conv1`, [1, 1, channels, 128], uniformFanIn(channels));
  const bn1 = batchNorm(store, `${name}.bn1`, 128, { affine: true });
  const w2 = param(store, `${name}.conv2`, [2, 2, 128, 768], uniformFanIn(4 * 128));
  const bn2 = batchNorm(store, `${name}.bn2`, 768, { affine: true });
  const fcW = param(store, `${name}.classifier.weight`, [768, classes], uniformFanIn(768));
  const fcB = param(store, `${name}.classifier.bias`, [classes], uniformFanIn(768));
  return (x, mode) => {
    const pooled = tf.avgPool(tf.relu(x), 5, 3, 'valid');
    const h1 = tf.relu(bn1(tf.conv2d(pooled, w1 as tf.Tensor4D, 1, 'valid'), mode));
    const h2 = tf.relu(bn2(tf.conv2d(h1, w2 as tf.Tensor4D, 1, 'valid'), mode));
    const flat = tf.reshape(h2, [x.shape[0], -1]) as tf.Tensor2D;
    return tf.add(tf.matMul(flat, fcW as tf.Tensor2D), fcB);
  };
};
