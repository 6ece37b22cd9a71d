import * as tf from '@tensorflow/tfjs-core';

/** Mean softmax cross-entropy of logits [n, classes] against one-hot labels [n, classes]. */
export const crossEntropy = (logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar =>
  tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar;

/** Number of rows whose arg-max logit is the labelled class. */
export const correctCount = (logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar =>
  tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(oneHot, 1)), 'int32')) as tf.Scalar;
