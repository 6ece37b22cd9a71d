import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig } from '@tensorflow/tfjs-core';
import { FakeQuantize8 } from './fake-quantize-names';

/** Straight through: `dy` passes to `x` unchanged, the range gets none (it is a statistic, not a parameter). */
export const fakeQuantizeGradConfig: GradConfig = {
  kernelName: FakeQuantize8,
  inputsToSave: ['bounds'],
  gradFunc: (dy, saved) => {
    const [bounds] = saved as [tf.Tensor];
    return { x: () => dy as tf.Tensor, bounds: () => tf.zerosLike(bounds) };
  },
};
