import * as tf from '@tensorflow/tfjs-core';

// One loss for search and training, on int32 labels (the batches' `labels: 'int32'`).

/** Mean softmax cross-entropy of logits [n, classes] against int32 class labels [n]. */
export const crossEntropy = (logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar =>
  tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(labels, logits.shape[1]), tf.logSoftmax(logits)), 1))) as tf.Scalar;

/** Number of rows whose arg-max logit is the labelled class (float32, so it sums with the loss in one read). */
export const correctCount = (logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar =>
  tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')) as tf.Scalar;
