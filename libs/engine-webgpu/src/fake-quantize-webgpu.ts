import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { FakeQuantize8, type FakeQuantizeAttrs } from '@approx-darts/kernels';
import { fakeQuantizeProgram } from './fake-quantize-program';
import type { GpuBackend } from './gpu-backend';

/** `FakeQuantize8` on the `webgpu` engine: one WGSL program, the data stays on the GPU. */
export const fakeQuantizeWebgpuConfig: KernelConfig = {
  kernelName: FakeQuantize8,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, bounds } = inputs as { x: TensorInfo; bounds: TensorInfo };
    const gpu = backend as unknown as GpuBackend;
    const out = gpu.runWebGPUProgram(fakeQuantizeProgram(x.shape, (attrs as unknown as FakeQuantizeAttrs).mode), [x, bounds], 'float32');
    return { ...out, shape: x.shape };
  },
};
