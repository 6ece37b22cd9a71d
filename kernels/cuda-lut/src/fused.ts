import { CudaLutShapeError } from './errors';
import type { ConvGeometry } from './geometry';
import type { NativeQuant } from './native';
import { checkGeometry, checkLength, checkTable } from './validate';
import { type KernelVariant, native, nativeGeometry, nativeVariant, requireAddon } from './variant';

/** How the fused kernels quantize (libs/quantization/SPEC.md); ranges absent = taken from the operands on the GPU. */
export interface QuantOptions {
  readonly quantization?: 'asymmetric' | 'symmetric';
  readonly perChannelWeights?: boolean;
  /** recorded [min, max] of x (evaluation) */
  readonly inputRange?: readonly [number, number];
  /** [min, max], or [min0, max0, min1, max1, ...] per output channel with perChannelWeights */
  readonly weightRange?: readonly number[];
}

/** A fused call: the table (ignored by the exact twin), quantization and kernel variant. */
export interface ApproxConvOptions extends QuantOptions, KernelVariant {
  readonly table: Uint16Array;
}

export const nativeQuant = (g: ConvGeometry, o: QuantOptions): NativeQuant => {
  const channels = o.perChannelWeights === true ? g.outChannels : 1;
  if (o.weightRange !== undefined && o.weightRange.length !== 2 * channels)
    throw new CudaLutShapeError(`weightRange has ${o.weightRange.length} numbers, expected ${2 * channels}`);
  return {
    symmetric: o.quantization === 'symmetric',
    perChannelWeights: o.perChannelWeights === true,
    inputRange: o.inputRange === undefined ? null : Float32Array.from(o.inputRange),
    weightRange: o.weightRange === undefined ? null : Float32Array.from(o.weightRange),
  };
};

/**
 * Approximate conv2d or depthwise conv (by `g.kind`) on float NHWC tensors: quantize, table products,
 * int32 sums, dequantize, all in one kernel launch sequence on the GPU. Host arrays in and out.
 */
export const cudaApproxConv = (g: ConvGeometry, x: Float32Array, w: Float32Array, o: ApproxConvOptions): Float32Array => {
  const sizes = checkGeometry(g);
  checkLength('x', x, sizes.x);
  checkLength('filter', w, sizes.w);
  if (o.product !== 'exact') checkTable(o.table);
  const quant = nativeQuant(g, o);
  const addon = requireAddon();
  return native(() => addon.fused(nativeGeometry(g), g.kind, x, w, o.product === 'exact' ? null : o.table, quant, nativeVariant(o)));
};
