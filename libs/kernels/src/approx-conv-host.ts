import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { dequantizeAccumulations, filterCodeSums, geometryFor, paddingAfter, type ConvGeometry, type ConvKind } from '@approx-darts/approx-conv';
import { affineFor, codeOf, dequantizeValue, quantizeInto, quantizeWeights, rangeOf, type AffineParams } from '@approx-darts/quantization';
import { fastAccumulateWithSums } from './fast-accumulate';
import { nativeApproxConvolve, nativePaddedFakeQuantized, nativeQuantizeInto, nativeRangeOf } from './native-approx-host';
import type { ApproxConvAttrs } from './kernel-names';
import { tableById } from './table-registry';
import { hostValues, type HostBackend } from './host-backend';


/** Each code's value under per-channel params (channel = flat index % channels). */
const decode = (codes: Uint8Array, params: readonly AffineParams[]): Float32Array => {
  const tables = params.map((p) => Float32Array.from({ length: 256 }, (_, q) => dequantizeValue(p, q)));
  const out = new Float32Array(codes.length);
  for (let i = 0, c = 0; i < codes.length; i++, c = c + 1 === tables.length ? 0 : c + 1) out[i] = (tables[c] as Float32Array)[codes[i] as number] as number;
  return out;
};

/** The fake-quantized input, padded with the fake-quantized 0.0 (padding is 0.0 before quantization, libs/quantization/SPEC.md). */
const paddedFakeQuantized = (g: ConvGeometry, xCodes: Uint8Array, xParams: AffineParams): { readonly shape: number[]; readonly values: Float32Array } => {
  const after = paddingAfter(g);
  const [h, w, c] = [g.inHeight + g.padTop + after.bottom, g.inWidth + g.padLeft + after.right, g.inChannels];
  const values = new Float32Array(g.batch * h * w * c).fill(dequantizeValue(xParams, codeOf(xParams)));
  const decoded = decode(xCodes, [xParams]);
  for (let n = 0; n < g.batch; n++)
    for (let y = 0; y < g.inHeight; y++) {
      const from = ((n * g.inHeight + y) * g.inWidth) * c;
      values.set(decoded.subarray(from, from + g.inWidth * c), ((n * h + y + g.padTop) * w + g.padLeft) * c);
    }
  return { shape: [g.batch, h, w, c], values };
};

/**
 * The approximate convolution on host memory (libs/quantization/SPEC.md): quantize, accumulate table products, dequantize. The kernel
 * function of the `cpu` engine, and the host fallback of engines without a native implementation. Also returns the
 * straight-through gradient's operands, decoded from the codes it computed (kernel-names.ts).
 */
export const hostApproxConv =
  (kind: ConvKind): KernelFunc =>
  ({ inputs, backend, attrs }) => {
    const { x, filter, range } = inputs as { x: TensorInfo; filter: TensorInfo; range: TensorInfo };
    const a = attrs as unknown as ApproxConvAttrs;
    const host = backend as unknown as HostBackend;
    const g = geometryFor(kind, x.shape, filter.shape, { strides: a.strides, dilations: a.dilations, pad: a.pad });
    const xv = hostValues(host, x);
    const wv = hostValues(host, filter);
    const recorded = hostValues(host, range);
    const xParams = affineFor(recorded.length === 2 ? { min: recorded[0] as number, max: recorded[1] as number } : (nativeRangeOf(xv) ?? rangeOf(xv)), a.quantization);
    // the codes are this call's temporary (kernel-scratch.ts)
    const xCodes = nativeQuantizeInto(xParams, xv, 'approx-conv-x-codes') ?? quantizeInto(xParams, xv);
    const w = quantizeWeights(wv, g.outChannels, a.quantization, a.perChannel);
    const padCode = codeOf(xParams);
    const table = tableById(a.tableId).products;
    const wSums = filterCodeSums(g, w.codes);
    // the native addon's one pass where it is built (same integer sums, same binary32 steps), else these TypeScript loops
    const accumulateThenDequantize = (): Float32Array => {
      const { accumulations, windowSums } = fastAccumulateWithSums(g, xCodes, w.codes, padCode, table);
      return dequantizeAccumulations(g, accumulations, windowSums, wSums, xParams, w.params);
    };
    const out = nativeApproxConvolve(g, xCodes, w.codes, padCode, table, wSums, xParams, w.params) ?? accumulateThenDequantize();
    const xq = nativePaddedFakeQuantized(g, xCodes, xParams) ?? paddedFakeQuantized(g, xCodes, xParams);
    return [
      host.makeTensorInfo([g.batch, g.outHeight, g.outWidth, g.outChannels], 'float32', out),
      host.makeTensorInfo(xq.shape, 'float32', xq.values),
      host.makeTensorInfo([...filter.shape], 'float32', decode(w.codes, w.params)),
    ];
  };
