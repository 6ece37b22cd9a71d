import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { ReluBackward } from './relu-backward-names';
import { hostValues, type HostBackend } from './host-backend';

/** `ReluBackward` on host memory (relu-backward-names.ts). */
export const reluBackwardCpuConfig = (backendName: string): KernelConfig => ({
  kernelName: ReluBackward,
  backendName,
  kernelFunc: ({ inputs, backend }) => {
    const { dy, x } = inputs as Record<'dy' | 'x', TensorInfo>;
    const host = backend as unknown as HostBackend;
    const [d, xs] = [hostValues(host, dy), hostValues(host, x)];
    const out = new Float32Array(xs.length);
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i] as number;
      out[i] = Number.isNaN(v) ? Number.NaN : (d[i] as number) * (v > 0 ? 1 : 0);
    }
    return host.makeTensorInfo([...x.shape], 'float32', out);
  },
});

/** The gradient of tfjs's `Relu` kernel as one ReluBackward kernel; it replaces tfjs-core's three-kernel one. */
export const reluGradConfig: GradConfig = {
  kernelName: 'Relu',
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [tf.Tensor];
    return { x: () => tf.engine().runKernel(ReluBackward, { dy: dy as tf.Tensor, x } as unknown as tf.NamedTensorMap) as tf.Tensor };
  },
};
