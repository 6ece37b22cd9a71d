import type { KernelConfig } from '@tensorflow/tfjs-core';
import { ApproxDepthwiseConv2D } from '@approx-darts/kernels';
import { webgpuApproxConv } from './approx-conv-webgpu';
import type { LutLayout } from './lut-conv-program';

/** `ApproxDepthwiseConv2D` on the `webgpu` engine. */
export const approxDepthwiseConv2DWebgpuConfig = (layout: LutLayout): KernelConfig => ({
  kernelName: ApproxDepthwiseConv2D,
  backendName: 'webgpu',
  kernelFunc: webgpuApproxConv('depthwise', layout),
});
