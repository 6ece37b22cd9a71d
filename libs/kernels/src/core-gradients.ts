import * as tf from '@tensorflow/tfjs-core';
import { coreGradConfigs } from './core-gradient-configs';

/**
 * Registers tfjs-core's own gradients (core-gradient-configs.ts lists them) where none is registered yet, and
 * returns how many it added. The registry is global, so a second call adds none.
 */
export const registerCoreGradients = (): number => {
  let added = 0;
  for (const config of coreGradConfigs)
    if (tf.getGradient(config.kernelName) === undefined) {
      tf.registerGradient(config);
      added += 1;
    }
  return added;
};

registerCoreGradients();
