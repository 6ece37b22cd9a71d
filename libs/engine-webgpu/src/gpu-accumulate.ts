import * as tf from '@tensorflow/tfjs-core';
import type { ConvGeometry } from '@approx-darts/approx-conv';
import type { GpuBackend } from './gpu-backend';
import { lutConvProgram, lutConvUniforms, type LutLayout } from './lut-conv-program';
import { lutTensor } from './lut-tensors';

/**
 * The `AccumulateFn` contract on the active `webgpu` backend: quantized u8 operands in, int32 table sums out.
 * Asynchronous because Dawn for Node can only read GPU buffers back asynchronously (tfjs's `readSync` on webgpu needs
 * an OffscreenCanvas, which Node lacks).
 * @example await webgpuAccumulate('packed')(g, xCodes, wCodes, padCode, table.products) // Int32Array, bit-exact with referenceAccumulate
 */
export const webgpuAccumulate =
  (layout: LutLayout) =>
  async (g: ConvGeometry, x: Uint8Array, w: Uint8Array, padCode: number, table: Uint16Array): Promise<Int32Array> => {
    const backend = tf.backend() as unknown as GpuBackend;
    const filterShape = g.kind === 'conv2d' ? [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels] : [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels / g.inChannels];
    const xCodes = tf.tensor(Int32Array.from(x), [g.batch, g.inHeight, g.inWidth, g.inChannels], 'int32');
    const wCodes = tf.tensor(Int32Array.from(w), filterShape, 'int32');
    const lut = lutTensor(backend, table);
    const info = backend.runWebGPUProgram(lutConvProgram(g, { layout, output: 'accumulate', mode: 'asymmetric' }), [xCodes, wCodes, lut], 'int32', lutConvUniforms(g, 'accumulate', padCode));
    const out = tf.engine().makeTensorFromTensorInfo(info);
    try {
      return (await out.data()) as Int32Array;
    } finally {
      tf.dispose([xCodes, wCodes, out]);
    }
  };
