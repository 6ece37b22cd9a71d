import { registerKernel, unregisterKernel, getKernel } from '@tensorflow/tfjs-core';
import { approxConv2DWebgpuConfig } from './approx-conv2d-webgpu';
import { approxDepthwiseConv2DWebgpuConfig } from './approx-depthwise-conv2d-webgpu';
import { fakeQuantizeWebgpuConfig } from './fake-quantize-webgpu';
import type { LutLayout } from './lut-conv-program';

/**
 * Registers the WGSL `ApproxConv2D` / `ApproxDepthwiseConv2D` and `FakeQuantize8` for the `webgpu` backend
 * (re-registering switches the table layout). Gradients are registered once per kernel name, engine-independently, by
 * the kernels module.
 */
export const registerWebgpuKernels = (layout: LutLayout = 'packed'): void => {
  for (const config of [approxConv2DWebgpuConfig(layout), approxDepthwiseConv2DWebgpuConfig(layout), fakeQuantizeWebgpuConfig]) {
    if (getKernel(config.kernelName, 'webgpu') !== undefined) unregisterKernel(config.kernelName, 'webgpu');
    registerKernel(config);
  }
};
