import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadCpuNative } from '@approx-darts/cpu-native';
import { nativeConvKernels } from './native-conv-kernels';
import { nativeStepKernels } from './native-step-kernels';
import { declareDirectDilation } from '@approx-darts/kernels';

// The cpu engine's native tier (kernels/cpu-native): registered after, and so over, the TypeScript fast kernels of
// ../cpu-fast/register.ts, which stay beneath as the fallback of each native kernel.

/** What the cpu engine got: native kernels and their runtime, or the reason it runs TypeScript only. */
export type NativeRegistration = { readonly native: true; readonly detail: string; readonly kernels: readonly string[] } | { readonly native: false; readonly detail: string };

let registered: NativeRegistration | undefined;

/** Registers the native cpu kernels when the addon loads (idempotent); never throws. */
export const registerNativeCpuKernels = (): NativeRegistration => {
  if (registered !== undefined) return registered;
  const loaded = loadCpuNative();
  if (!loaded.ok) return (registered = { native: false, detail: loaded.reason });
  const kernels = [...nativeConvKernels(loaded.addon), ...nativeStepKernels(loaded.addon)];
  for (const k of kernels) {
    const previous = tf.getKernel(k.kernelName, 'cpu');
    if (previous === undefined) throw new Error(`native cpu kernel ${k.kernelName}: tfjs-backend-cpu has no such kernel to replace`);
    tf.unregisterKernel(k.kernelName, 'cpu');
    tf.registerKernel({ kernelName: k.kernelName, backendName: 'cpu', kernelFunc: k.make(previous.kernelFunc) });
  }
  // oneDNN's depthwise kernels and backprops take any stride and dilation
  declareDirectDilation('cpu');
  return (registered = { native: true, detail: loaded.status.detail, kernels: kernels.map((k) => k.kernelName) });
};
