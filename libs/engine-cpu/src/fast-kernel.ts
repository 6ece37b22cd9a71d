import type * as tf from '@tensorflow/tfjs-core';

/**
 * A replacement for one tfjs-backend-cpu kernel. `make` receives tfjs's original kernel function so the fast
 * version can fall back to it for shapes it does not specialize (and tests can compare the two).
 */
export interface FastKernel {
  readonly kernelName: string;
  readonly make: (original: tf.KernelFunc) => tf.KernelFunc;
}
