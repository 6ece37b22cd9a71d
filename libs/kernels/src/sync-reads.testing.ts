import * as tf from '@tensorflow/tfjs-core';

const SYNC_READS = ['dataSync', 'arraySync', 'bufferSync'] as const;

/**
 * Runs `f` with tensors' synchronous reads throwing, as they do on the webgpu engine in Node (they need
 * OffscreenCanvas): a test on the cpu engine thereby proves a loop reads only asynchronously. Kernels' own reads of
 * host memory (`backend.readSync`) are not affected. Not reentrant.
 */
export const withoutSyncReads = async <T>(f: () => Promise<T>): Promise<T> => {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const saved = SYNC_READS.map((name) => [name, proto[name]] as const);
  for (const name of SYNC_READS)
    proto[name] = () => {
      throw new Error(`synchronous ${name}() where only asynchronous reads work (webgpu engine)`);
    };
  try {
    return await f();
  } finally {
    for (const [name, method] of saved) proto[name] = method;
  }
};
