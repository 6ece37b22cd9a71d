import { loadCpuNative } from './native';

/**
 * Sets the OpenMP threads of every native kernel (oneDNN's too) and returns the count in force, or undefined when the
 * addon is not loaded. Benchmarks set it to match a peer's thread count; the engine keeps OpenMP's default (all cores).
 */
export const setNativeThreads = (threads: number): number | undefined => {
  const loaded = loadCpuNative();
  return loaded.ok ? loaded.addon.setThreads(threads) : undefined;
};
