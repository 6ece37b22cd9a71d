import type { KernelConfig } from '@tensorflow/tfjs-core';
import { hostApproxConv } from './approx-conv-host';
import { ApproxDepthwiseConv2D } from './kernel-names';

/** `ApproxDepthwiseConv2D` on the `cpu` engine. */
export const approxDepthwiseConv2DCpuConfig = (backendName: string): KernelConfig => ({
  kernelName: ApproxDepthwiseConv2D,
  backendName,
  kernelFunc: hostApproxConv('depthwise'),
});
