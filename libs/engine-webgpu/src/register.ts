import { registerKernel, unregisterKernel, getKernel } from '@tensorflow/tfjs-core';
import { approxConv2DWebgpuConfig } from './approx-conv2d-webgpu';
import { approxDepthwiseConv2DWebgpuConfig } from './approx-depthwise-conv2d-webgpu';
import { fakeQuantizeWebgpuConfig } from './fake-quantize-webgpu';
import type { LutLayout } from './lut-conv-program';
import { avgPoolGradWebgpuConfig } from './avg-pool-grad-webgpu';
import { batchNormTrainGradWebgpuConfig, batchNormTrainWebgpuConfig } from './batch-norm-webgpu';
import { weightedSumWebgpuConfig, weightedSumWeightGradWebgpuConfig } from './weighted-sum-webgpu';
import { sgdStepWebgpuConfig } from './sgd-step-webgpu';
import { reluBackwardWebgpuConfig } from './relu-backward-webgpu';

/**
 * Registers our webgpu kernels: the WGSL `ApproxConv2D` / `ApproxDepthwiseConv2D` (re-registering switches the table
 * layout), `FakeQuantize8`, the fused batch norm and weighted sum, and the kernels whose tfjs-webgpu semantics differ from the cpu engine's (`AvgPoolGrad`),
 * replacing tfjs's. Gradients are registered once per kernel name, engine-independently, by the kernels module.
 */
export const registerWebgpuKernels = (layout: LutLayout = 'packed'): void => {
  for (const config of [
    approxConv2DWebgpuConfig(layout),
    approxDepthwiseConv2DWebgpuConfig(layout),
    fakeQuantizeWebgpuConfig,
    avgPoolGradWebgpuConfig,
    batchNormTrainWebgpuConfig,
    batchNormTrainGradWebgpuConfig,
    weightedSumWebgpuConfig,
    weightedSumWeightGradWebgpuConfig,
    sgdStepWebgpuConfig,
    reluBackwardWebgpuConfig,
  ]) {
    if (getKernel(config.kernelName, 'webgpu') !== undefined) unregisterKernel(config.kernelName, 'webgpu');
    registerKernel(config);
  }
};
