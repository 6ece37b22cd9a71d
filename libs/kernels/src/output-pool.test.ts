import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { installOutputPool, outputFloat32, outputPoolCounts, type PoolableBackend } from './output-pool';

// The pool hands a disposed kernel output to the next kernel of its length, and never an array anything else can
// still see: one read out of the backend, stored twice, or shared by a view. Each case below stores an issued array
// the way a kernel does (makeTensorInfo), lets something see it or not, disposes it, and asks for the same length.

const backend = (): PoolableBackend & { makeTensorInfo: (shape: number[], dtype: 'float32', values: Float32Array) => tf.TensorInfo } =>
  tf.backend() as unknown as PoolableBackend & { makeTensorInfo: (shape: number[], dtype: 'float32', values: Float32Array) => tf.TensorInfo };

/** A tensor over a freshly issued array of length n, as a kernel output is made. */
const output = (n: number, fill: number): { readonly tensor: tf.Tensor; readonly values: Float32Array } => {
  const values = outputFloat32(n).fill(fill);
  return { tensor: tf.engine().makeTensorFromTensorInfo(backend().makeTensorInfo([n], 'float32', values)), values };
};

beforeAll(async () => {
  await tf.setBackend('cpu');
  installOutputPool(backend(), 1 << 20);
});

describe('output pool', () => {
  // first: the bound depends on the most the pool's arrays ever held at once
  it('keeps free no more than the most its arrays ever held at once, or the floor when more, the least recent length giving way', () => {
    const [small, large] = [(512 * 1024) / 4, (640 * 1024) / 4];
    const first = output(small, 1);
    first.tensor.dispose();
    // 512 KiB free now; 640 KiB more would pass the 1 MiB floor (no more than 640 KiB was ever held at once), so the
    // 512 KiB array, returned less recently, is dropped for it
    const second = output(large, 1);
    second.tensor.dispose();
    expect(outputPoolCounts().freeBytes).toBe(640 * 1024);
    expect(outputFloat32(small)).not.toBe(first.values);
    expect(outputFloat32(large)).toBe(second.values);
  });

  it('hands a disposed output to the next kernel output of the same length', () => {
    const { tensor, values } = output(1000, 1);
    tensor.dispose();
    expect(outputFloat32(1000)).toBe(values);
    expect(outputFloat32(1000)).not.toBe(values);
  });

  it('keeps an output while a reshape of it (same data) is alive', () => {
    const { tensor, values } = output(1001, 2);
    const reshaped = tf.reshape(tensor, [7, 143]);
    tensor.dispose();
    expect(outputFloat32(1001)).not.toBe(values);
    reshaped.dispose();
    expect(outputFloat32(1001)).toBe(values);
  });

  it('never recycles an array read out with dataSync or data', async () => {
    const a = output(1002, 3);
    const read = a.tensor.dataSync();
    a.tensor.dispose();
    expect(outputFloat32(1002)).not.toBe(read);
    const b = output(1003, 4);
    const asyncRead = await b.tensor.data();
    b.tensor.dispose();
    expect(outputFloat32(1003)).not.toBe(asyncRead);
    expect(Array.from(read.slice(0, 3))).toEqual([3, 3, 3]);
  });

  it('never recycles an array a view shares (tfjs slices a contiguous range as a subarray)', () => {
    const { tensor, values } = output(1004, 5);
    const head = tf.slice(tensor, 0, 500);
    tensor.dispose();
    head.dispose();
    expect(outputFloat32(1004)).not.toBe(values);
    expect(outputPoolCounts().escaped).toBeGreaterThan(0);
  });

  it('never recycles an array stored as two tensors', () => {
    const values = outputFloat32(1005).fill(6);
    const first = tf.engine().makeTensorFromTensorInfo(backend().makeTensorInfo([1005], 'float32', values));
    const second = tf.engine().makeTensorFromTensorInfo(backend().makeTensorInfo([1005], 'float32', values));
    first.dispose();
    expect(outputFloat32(1005)).not.toBe(values);
    expect(Array.from(second.dataSync().slice(0, 2))).toEqual([6, 6]);
    second.dispose();
  });

  it('leaves arrays it did not issue alone (tf.tensor keeps the caller array)', () => {
    const mine = new Float32Array(1006).fill(7);
    tf.tensor1d(mine).dispose();
    expect(outputFloat32(1006)).not.toBe(mine);
  });

});
