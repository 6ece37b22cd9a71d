import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { dequantizeAccumulations, filterCodeSums, geometryFor, type ConvKind } from '@approx-darts/approx-conv';
import { affineFor, codeOf, quantizeInto, quantizeWeights, rangeOf } from '@approx-darts/quantization';
import { accumulateParallel } from './parallel-accumulate';
import type { ApproxConvAttrs } from './kernel-names';
import { tableById } from './table-registry';

interface HostBackend {
  readSync: (dataId: object) => unknown;
  makeTensorInfo: (shape: number[], dtype: 'float32', values: Float32Array) => TensorInfo;
}

/**
 * The approximate convolution on host memory (DESIGN §3): quantize, accumulate table products, dequantize. The kernel
 * function of the `cpu` engine, and the host fallback of engines without a native implementation.
 */
export const hostApproxConv =
  (kind: ConvKind): KernelFunc =>
  ({ inputs, backend, attrs }) => {
    const { x, filter, range } = inputs as { x: TensorInfo; filter: TensorInfo; range: TensorInfo };
    const a = attrs as unknown as ApproxConvAttrs;
    const host = backend as unknown as HostBackend;
    const g = geometryFor(kind, x.shape, filter.shape, { strides: a.strides, dilations: a.dilations, pad: a.pad });
    const xv = host.readSync(x.dataId) as Float32Array;
    const wv = host.readSync(filter.dataId) as Float32Array;
    const recorded = host.readSync(range.dataId) as Float32Array;
    const xParams = affineFor(recorded.length === 2 ? { min: recorded[0] as number, max: recorded[1] as number } : rangeOf(xv), a.quantization);
    const xCodes = quantizeInto(xParams, xv);
    const w = quantizeWeights(wv, g.outChannels, a.quantization, a.perChannel);
    const padCode = codeOf(xParams);
    const { accumulations, windowSums } = accumulateParallel(g, xCodes, w.codes, padCode, tableById(a.tableId).products);
    const out = dequantizeAccumulations(g, accumulations, windowSums, filterCodeSums(g, w.codes), xParams, w.params);
    return host.makeTensorInfo([g.batch, g.outHeight, g.outWidth, g.outChannels], 'float32', out);
  };
