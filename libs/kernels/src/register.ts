import * as tf from '@tensorflow/tfjs-core';
import { approxConv2DGradConfig, approxDepthwiseConv2DGradConfig } from './approx-conv-grad';
import { approxConv2DCpuConfig } from './approx-conv2d-cpu';
import { approxDepthwiseConv2DCpuConfig } from './approx-depthwise-conv2d-cpu';
import { fakeQuantizeCpuConfig } from './fake-quantize-cpu';
import { fakeQuantizeGradConfig } from './fake-quantize-grad';
import { batchNormTrainCpuConfig, batchNormTrainGradCpuConfig } from './batch-norm-cpu';
import { batchNormTrainGradConfig } from './batch-norm-grad';
import { weightedSumCpuConfig, weightedSumWeightGradCpuConfig } from './weighted-sum-cpu';
import { weightedSumGradConfig } from './weighted-sum-grad';
import { sgdStepCpuConfig } from './sgd-step-cpu';
import { reluBackwardCpuConfig, reluGradConfig } from './relu-backward-cpu';

/**
 * Backends that run the TypeScript kernels on host memory: `cpu`, and `tensorflow` until the CUDA addon provides its
 * own (tfjs-node tensors are read back to the host: correct, not fast).
 */
export const hostKernelBackends: readonly string[] = ['cpu', 'tensorflow'];

let registered = false;

/** Register the approximate kernels, FakeQuantize8, the fused batch norm and weighted sum, and their gradients once (idempotent; ops call it before running a kernel). */
export const registerApproxKernels = (): void => {
  if (registered) return;
  registered = true;
  for (const backendName of hostKernelBackends)
    for (const config of [
      approxConv2DCpuConfig(backendName),
      approxDepthwiseConv2DCpuConfig(backendName),
      fakeQuantizeCpuConfig(backendName),
      batchNormTrainCpuConfig(backendName),
      batchNormTrainGradCpuConfig(backendName),
      weightedSumCpuConfig(backendName),
      weightedSumWeightGradCpuConfig(backendName),
      sgdStepCpuConfig(backendName),
      reluBackwardCpuConfig(backendName),
    ])
      if (tf.getKernel(config.kernelName, backendName) === undefined) tf.registerKernel(config);
  for (const config of [approxConv2DGradConfig, approxDepthwiseConv2DGradConfig, fakeQuantizeGradConfig, batchNormTrainGradConfig, weightedSumGradConfig])
    if (tf.getGradient(config.kernelName) === undefined) tf.registerGradient(config);
  // Replaces tfjs-core's Relu gradient (whether network/gradients.ts registered it before or after this).
  tf.registerGradient(reluGradConfig);
};
