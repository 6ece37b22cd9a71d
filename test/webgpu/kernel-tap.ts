import * as tf from '@tensorflow/tfjs-core';
import { getKernelsForBackend, registerKernel, unregisterKernel, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';

/** One kernel call seen on webgpu: its name, attrs, and its inputs and outputs kept alive for replay. */
interface TappedCall {
  readonly kernel: string;
  readonly attrs: tf.NamedAttrMap;
  readonly inputs: readonly (readonly [string, TensorInfo])[];
  /** Concat, AddN, Pack and the like take their inputs as an array. */
  readonly listInputs: boolean;
  readonly outputs: readonly TensorInfo[];
}

/** A kernel call replayed on the cpu engine: how far webgpu's outputs are from the cpu engine's. */
export interface KernelDifference {
  readonly kernel: string;
  readonly signature: string;
  /** Over all outputs: ||webgpu - cpu|| / ||cpu|| (float), or the count of differing elements (int/bool). */
  readonly relativeError: number;
  readonly exact: boolean;
}

interface GpuData {
  incRef(dataId: object): void;
  disposeData(dataId: object, force?: boolean): boolean;
  read(dataId: object): Promise<tf.backend_util.BackendValues>;
}

const signatureOf = (kernel: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): string =>
  `${kernel}(${Object.entries(inputs)
    .map(([n, t]) => `${n}:${t?.dtype}[${t?.shape.join(',')}]`)
    .join(' ')}) ${JSON.stringify(attrs)}`;

/**
 * Differential testing of every tfjs kernel a computation runs on webgpu: while tapping, each webgpu kernel call of
 * a new signature (name, input shapes, attrs) keeps its inputs and outputs alive; `replay` reads them, runs the same
 * kernel with the same inputs and attrs on the cpu engine, and reports the difference. Forward and gradient kernels
 * alike, at the shapes the networks really use.
 */
export const tapWebgpuKernels = () => {
  const backend = tf.findBackend('webgpu') as unknown as GpuData;
  const originals = getKernelsForBackend('webgpu');
  const calls = new Map<string, TappedCall>();
  for (const config of originals) {
    const kernelFunc: KernelConfig['kernelFunc'] = (args) => {
      const out = config.kernelFunc(args);
      const outputs = Array.isArray(out) ? out : [out as TensorInfo];
      const signature = signatureOf(config.kernelName, args.inputs, args.attrs ?? {});
      if (!calls.has(signature)) {
        // Copies: an input may be a Variable, whose dataId changes when it is assigned.
        const inputs = Object.entries(args.inputs).flatMap(([n, t]) => (t === undefined ? [] : [[n, { dataId: t.dataId, shape: t.shape, dtype: t.dtype }] as [string, TensorInfo]]));
        for (const t of [...inputs.map(([, t]) => t), ...outputs]) backend.incRef(t.dataId);
        calls.set(signature, { kernel: config.kernelName, attrs: { ...(args.attrs ?? {}) }, inputs, listInputs: Array.isArray(args.inputs), outputs });
      }
      return out;
    };
    unregisterKernel(config.kernelName, 'webgpu');
    registerKernel({ ...config, kernelFunc });
  }
  const restore = (): void => {
    for (const config of originals) {
      unregisterKernel(config.kernelName, 'webgpu');
      registerKernel(config);
    }
  };
  const replay = async (): Promise<readonly KernelDifference[]> => {
    restore();
    const read = async (t: TensorInfo) => {
      const values = await backend.read(t.dataId);
      backend.disposeData(t.dataId);
      return values;
    };
    const recorded = await Promise.all(
      [...calls].map(async ([signature, c]) => ({ signature, c, inputs: await Promise.all(c.inputs.map(async ([n, t]) => [n, t, await read(t)] as const)), outputs: await Promise.all(c.outputs.map(read)) })),
    );
    const previous = tf.getBackend();
    await tf.setBackend('cpu');
    try {
      return recorded.map(({ signature, c, inputs, outputs }) =>
        tf.tidy(() => {
          const tensors = inputs.map(([n, t, v]) => [n, tf.tensor(v as never, t.shape, t.dtype)] as const);
          const named = c.listInputs ? tensors.map(([, t]) => t) : Object.fromEntries(tensors);
          const cpu = tf.engine().runKernel(c.kernel, named as unknown as tf.NamedTensorMap, c.attrs);
          const cpuOutputs = (Array.isArray(cpu) ? cpu : [cpu]) as tf.Tensor[];
          let diff = 0;
          let norm = 0;
          let exact = true;
          cpuOutputs.forEach((t, i) => {
            const want = t.dataSync();
            const got = outputs[i] as ArrayLike<number>;
            for (let j = 0; j < want.length; j++) {
              const [a, b] = [Number(got[j]), Number(want[j])];
              if (!Object.is(a, b)) exact = false;
              diff += t.dtype === 'float32' ? (a - b) ** 2 : a === b ? 0 : 1;
              norm += t.dtype === 'float32' ? b * b : 0;
            }
          });
          const relativeError = norm > 0 ? Math.sqrt(diff / norm) : diff === 0 ? 0 : Math.sqrt(diff);
          return { kernel: c.kernel, signature, relativeError, exact };
        }),
      );
    } finally {
      await tf.setBackend(previous);
    }
  };
  return { replay, restore, count: () => calls.size };
};
