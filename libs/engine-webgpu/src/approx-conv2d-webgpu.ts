import type { KernelConfig } from '@tensorflow/tfjs-core';
import { ApproxConv2D } from '@approx-darts/kernels';
import { webgpuApproxConv } from './approx-conv-webgpu';
import type { LutLayout } from './lut-conv-program';

/** `ApproxConv2D` on the `webgpu` engine. */
export const approxConv2DWebgpuConfig = (layout: LutLayout): KernelConfig => ({ kernelName: ApproxConv2D, backendName: 'webgpu', kernelFunc: webgpuApproxConv('conv2d', layout) });
