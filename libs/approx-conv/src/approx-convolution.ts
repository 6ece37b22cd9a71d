import { affineFor, codeOf, quantizeInto, quantizeWeights, rangeOf, type AffineParams, type QuantMode, type QuantRange } from '@approx-darts/quantization';
import { referenceAccumulate, type AccumulateFn } from './accumulate';
import { dequantizeAccumulations, filterCodeSums, referenceWindowSums, type WindowSumsFn } from './dequantize';
import type { ConvGeometry } from './geometry';

/** How operands are quantized (libs/quantization/SPEC.md). */
export interface QuantizationOptions {
  readonly mode: QuantMode;
  readonly perChannelWeights: boolean;
  /** A recorded activation range (evaluation); absent = the range of this batch (training). */
  readonly inputRange?: QuantRange | undefined;
}

/** The integer pieces an engine provides; the reference loops by default. */
export interface ConvEngine {
  readonly accumulate: AccumulateFn;
  readonly windowSums: WindowSumsFn;
}

export const referenceEngine: ConvEngine = { accumulate: referenceAccumulate, windowSums: referenceWindowSums };

/** Everything one approximate convolution computed, for inspection and tests. */
export interface ApproxConvResult {
  readonly xCodes: Uint8Array;
  readonly wCodes: Uint8Array;
  readonly xParams: AffineParams;
  /** One per output channel. */
  readonly wParams: readonly AffineParams[];
  readonly padCode: number;
  readonly accumulations: Int32Array;
  readonly output: Float32Array;
}

/**
 * Approximate convolution of float operands: quantize `x` and `w`, accumulate table products (padding reads the code of
 * 0.0), dequantize. With the exact table it equals the float convolution of the fake-quantized operands.
 * @example
 * const g = geometryFor('conv2d', [1, 1, 1, 1], [1, 1, 1, 1], { strides: 1, dilations: 1, pad: 'valid' });
 * approxConvolve(g, Float32Array.of(2), Float32Array.of(3), exactTable().products, { mode: 'asymmetric', perChannelWeights: false }).output // Float32Array.from([6])
 */
export const approxConvolve = (
  g: ConvGeometry,
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  table: Uint16Array,
  options: QuantizationOptions,
  engine: ConvEngine = referenceEngine,
): ApproxConvResult => {
  const xParams = affineFor(options.inputRange ?? rangeOf(x), options.mode);
  const xCodes = quantizeInto(xParams, x);
  const { codes: wCodes, params: wParams } = quantizeWeights(w, g.outChannels, options.mode, options.perChannelWeights);
  const padCode = codeOf(xParams);
  const accumulations = engine.accumulate(g, xCodes, wCodes, padCode, table);
  const output = dequantizeAccumulations(g, accumulations, engine.windowSums(g, xCodes, padCode), filterCodeSums(g, wCodes), xParams, wParams);
  return { xCodes, wCodes, xParams, wParams, padCode, accumulations, output };
};
