import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { convKernels } from './conv-kernels';
import { elementwiseKernels } from './elementwise-kernels';
import { installOutputPool, type PoolableBackend } from '@approx-darts/kernels';

// tfjs-backend-cpu's generic kernels (strided backprop loops, per-element broadcasting index maths) dominate a DARTS
// step on the cpu engine. These replace the hot ones with typed-array loops for the shapes DARTS uses, falling back
// to tfjs's own implementation for anything else. Registered in this one place, once per process.

let done = false;

/** Replaces tfjs-backend-cpu's hot kernels with the fast versions (idempotent). Returns the replaced kernel names. */
export const registerFastCpuKernels = (): readonly string[] => {
  const all = [...convKernels, ...elementwiseKernels];
  if (done) return all.map((k) => k.kernelName);
  for (const k of all) {
    const original = tf.getKernel(k.kernelName, 'cpu');
    if (original === undefined) throw new Error(`fast cpu kernel ${k.kernelName}: tfjs-backend-cpu has no such kernel to replace`);
    tf.unregisterKernel(k.kernelName, 'cpu');
    tf.registerKernel({ kernelName: k.kernelName, backendName: 'cpu', kernelFunc: k.make(original.kernelFunc) });
  }
  // kernel outputs recycled (libs/kernels/src/output-pool.ts); APPROX_DARTS_NO_POOL=1 allocates each afresh, for comparison
  const backend = tf.findBackend('cpu');
  if (backend !== null && process.env['APPROX_DARTS_NO_POOL'] !== '1') installOutputPool(backend as unknown as PoolableBackend);
  done = true;
  return all.map((k) => k.kernelName);
};
