import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { SgdStep, type SgdStepAttrs } from '@approx-darts/kernels';
import type { GpuBackend } from './gpu-backend';
import { sgdBufferProgram, sgdWeightProgram } from './sgd-step-program';

/** `SgdStep` on webgpu: per variable one program for the momentum buffer and one for the variable. */
export const sgdStepWebgpuConfig: KernelConfig = {
  kernelName: SgdStep,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const all = inputs as unknown as TensorInfo[];
    const a = attrs as unknown as SgdStepAttrs;
    const gpu = backend as unknown as GpuBackend;
    const uniforms = [a.lr, a.momentum, a.weightDecay].map((v) => ({ type: 'float32', data: [v] }));
    const weights: TensorInfo[] = [];
    const buffers: TensorInfo[] = [];
    for (let v = 0; v < a.count; v++) {
      const [w, g] = [all[v] as TensorInfo, all[a.count + v] as TensorInfo];
      const size = w.shape.reduce((x, y) => x * y, 1);
      const flat = (t: TensorInfo): TensorInfo => ({ ...t, shape: [size] });
      const buf = a.momentum !== 0 ? gpu.runWebGPUProgram(sgdBufferProgram(size), [flat(w), flat(g), flat(all[2 * a.count + v] as TensorInfo)], 'float32', uniforms) : undefined;
      const update = buf === undefined ? 'plain' : a.nesterov ? 'nesterov' : 'momentum';
      const next = gpu.runWebGPUProgram(sgdWeightProgram(size, update), buf === undefined ? [flat(w), flat(g)] : [flat(w), flat(g), buf], 'float32', uniforms);
      weights.push({ ...next, shape: [...w.shape] });
      if (buf !== undefined) buffers.push({ ...buf, shape: [...w.shape] });
    }
    return [...weights, ...buffers];
  },
};
