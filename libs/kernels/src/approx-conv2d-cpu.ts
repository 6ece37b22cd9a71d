import type { KernelConfig } from '@tensorflow/tfjs-core';
import { hostApproxConv } from './approx-conv-host';
import { ApproxConv2D } from './kernel-names';

/** `ApproxConv2D` on the `cpu` engine. */
export const approxConv2DCpuConfig = (backendName: string): KernelConfig => ({ kernelName: ApproxConv2D, backendName, kernelFunc: hostApproxConv('conv2d') });
