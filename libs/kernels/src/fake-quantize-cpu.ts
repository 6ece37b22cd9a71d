import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { affineFor, fakeQuantizeInto } from '@approx-darts/quantization';
import { FakeQuantize8, type FakeQuantizeAttrs } from './fake-quantize-names';

interface HostBackend {
  readSync: (dataId: object) => unknown;
  makeTensorInfo: (shape: number[], dtype: 'float32', values: Float32Array) => TensorInfo;
}

/** `FakeQuantize8` on host memory: the pure specification itself, so the `cpu` engine is the reference. */
export const fakeQuantizeCpuConfig = (backendName: string): KernelConfig => ({
  kernelName: FakeQuantize8,
  backendName,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, bounds } = inputs as { x: TensorInfo; bounds: TensorInfo };
    const host = backend as unknown as HostBackend;
    const b = host.readSync(bounds.dataId) as Float32Array;
    const params = Array.from({ length: b.length / 2 }, (_, c) => affineFor({ min: b[2 * c] as number, max: b[2 * c + 1] as number }, (attrs as unknown as FakeQuantizeAttrs).mode));
    return host.makeTensorInfo(x.shape, 'float32', fakeQuantizeInto(params, host.readSync(x.dataId) as Float32Array));
  },
});
