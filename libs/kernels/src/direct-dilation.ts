import * as tf from '@tensorflow/tfjs-core';

// tfjs's own depthwise kernels ignore or refuse dilation > 1 in their backprops, so ops/exact-conv.ts composes a
// dilated convolution from dense ones. An engine whose DepthwiseConv2dNative and both its backprop kernels take any
// stride and dilation directly (the cpu engine's oneDNN kernels, libs/engine-cpu/src/native) declares it here, and
// the dilated depthwise convolutions of its networks then run as one kernel each way.

const direct = new Set<string>();

/**
 * Declares whether `backendName`'s depthwise kernels (forward and both backprops) honour any stride and dilation (the
 * tests turn it off to compare both paths).
 */
export const declareDirectDilation = (backendName: string, honoured = true): void => {
  if (honoured) direct.add(backendName);
  else direct.delete(backendName);
};

/** Whether the active backend's depthwise kernels honour any stride and dilation. */
export const dilatesDirectly = (): boolean => direct.has(tf.getBackend());
