import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { SgdStep, type SgdStepAttrs } from './sgd-step-names';
import { hostValues, type HostBackend } from './host-backend';

const f = Math.fround;

/** `SgdStep` on host memory (sgd-step-names.ts), bit for bit the element-wise kernels it replaces. */
export const sgdStepCpuConfig = (backendName: string): KernelConfig => ({
  kernelName: SgdStep,
  backendName,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const all = inputs as unknown as TensorInfo[];
    const a = attrs as unknown as SgdStepAttrs;
    const host = backend as unknown as HostBackend;
    const [lr, m, wd] = [f(a.lr), f(a.momentum), f(a.weightDecay)];
    const withMomentum = a.momentum !== 0;
    const weights: TensorInfo[] = [];
    const buffers: TensorInfo[] = [];
    for (let v = 0; v < a.count; v++) {
      const info = all[v] as TensorInfo;
      const [w, g] = [hostValues(host, info), hostValues(host, all[a.count + v] as TensorInfo)];
      const buf = withMomentum ? Float32Array.from(hostValues(host, all[2 * a.count + v] as TensorInfo)) : undefined;
      const out = new Float32Array(w.length);
      for (let i = 0; i < w.length; i++) {
        let d = wd !== 0 ? f((g[i] as number) + f((w[i] as number) * wd)) : (g[i] as number);
        if (buf !== undefined) {
          buf[i] = f(f((buf[i] as number) * m) + d);
          d = a.nesterov ? f(d + f((buf[i] as number) * m)) : (buf[i] as number);
        }
        out[i] = f((w[i] as number) - f(d * lr));
      }
      weights.push(host.makeTensorInfo([...info.shape], 'float32', out));
      if (buf !== undefined) buffers.push(host.makeTensorInfo([...info.shape], 'float32', buf));
    }
    return [...weights, ...buffers];
  },
});
