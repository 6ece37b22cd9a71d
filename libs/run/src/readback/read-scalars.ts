import * as tf from '@tensorflow/tfjs-core';

/**
 * Reads scalars (or small vectors) back from the device in one round trip and disposes them; the values come back
 * flattened, in order. On the webgpu engine only the asynchronous read exists (a synchronous one needs
 * OffscreenCanvas) and every read waits for the whole queue, so a loop calls this once per step, after the step's
 * work is queued. Counts are cast to float32 for the shared read, exact below 2^24.
 * @example const [loss, correct] = await readScalars([lossTensor, correctTensor]);
 */
export const readScalars = async (tensors: readonly tf.Tensor[]): Promise<number[]> => {
  if (tensors.length === 0) return [];
  const flat = tf.tidy(() => tf.concat(tensors.map((t) => tf.reshape(tf.cast(t, 'float32'), [-1]))));
  tf.dispose([...tensors]);
  try {
    return Array.from(await flat.data());
  } finally {
    flat.dispose();
  }
};
