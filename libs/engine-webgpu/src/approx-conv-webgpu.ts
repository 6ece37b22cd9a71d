import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { geometryFor, type ConvKind } from '@approx-darts/approx-conv';
import type { ApproxConvAttrs } from '@approx-darts/kernels';
import { tableById } from '@approx-darts/kernels';
import type { GpuBackend } from './gpu-backend';
import { gpuRange } from './gpu-range';
import { lutConvProgram, lutConvUniforms, type LutLayout } from './lut-conv-program';
import { lutTensor } from './lut-tensors';
import { fakeQuantizeProgram } from './fake-quantize-program';
import { paddedDecodeProgram, paddedDecodeUniforms, paddedShape } from './padded-decode-program';

/**
 * The approximate convolution on the webgpu engine (libs/quantization/SPEC.md), every step a WGSL program so the data never leaves
 * the GPU: ranges (min/max reductions, unless a recorded `range` input is given), then one program that quantizes
 * the operands as it reads them, accumulates table products and dequantizes, then the gradient's operands decoded
 * from the same codes. Codes are never stored: each is a pure function of its value and range, so recomputing one is
 * bit for bit the same, and two dispatches per convolution fewer matter more than the arithmetic (bench/lean-step.ts).
 * The forward of both kernels; the gradient is the shared STE one.
 */
export const webgpuApproxConv =
  (kind: ConvKind, layout: LutLayout): KernelFunc =>
  ({ inputs, backend, attrs }) => {
    const { x, filter, range } = inputs as { x: TensorInfo; filter: TensorInfo; range: TensorInfo };
    const a = attrs as unknown as ApproxConvAttrs;
    const gpu = backend as unknown as GpuBackend;
    const g = geometryFor(kind, x.shape, filter.shape, { strides: a.strides, dilations: a.dilations, pad: a.pad });
    const temporaries: TensorInfo[] = [];
    const keep = (t: TensorInfo): TensorInfo => (temporaries.push(t), t);
    // The op always passes `range` (tfjs saves gradient inputs by name): empty means the batch's own range. Binding
    // the empty tensor instead would hand Dawn a zero-size buffer, and it rejects the whole submit.
    const xRange = range.shape[0] === 2 ? { ...range, shape: [1, 2] } : keep(gpuRange(gpu, x, 1));
    const wChannels = a.perChannel ? g.outChannels : 1;
    const wRange = keep(gpuRange(gpu, filter, wChannels));
    const lut = lutTensor(gpu, tableById(a.tableId).products);
    const program = lutConvProgram(g, { layout, output: 'dequantize', mode: a.quantization });
    const out = gpu.runWebGPUProgram(program, [x, filter, lut, xRange, wRange], 'float32', lutConvUniforms(g, 'dequantize'));
    // The straight-through gradient's operands (kernel-names.ts): the same codes decoded, no second range or pass.
    const xq = gpu.runWebGPUProgram(paddedDecodeProgram(g, a.quantization), [x, xRange], 'float32', paddedDecodeUniforms(g));
    const wq = gpu.runWebGPUProgram(fakeQuantizeProgram(filter.shape, a.quantization), [filter, wRange], 'float32');
    for (const t of temporaries) gpu.disposeData(t.dataId);
    return [out, { ...xq, shape: paddedShape(g) }, { ...wq, shape: [...filter.shape] }];
  };
