import * as t from 'io-ts';

/** Which convolution: full (filter HWIO) or depthwise (filter `[fh, fw, inC, mult]`, output channel `c * mult + m`). */
export const ConvKind = t.keyof({ conv2d: null, depthwise: null }, 'ConvKind');
export type ConvKind = t.TypeOf<typeof ConvKind>;

/** Everything a kernel needs to know about one convolution's index arithmetic (layouts NHWC / HWIO). */
export interface ConvGeometry {
  readonly kind: ConvKind;
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  /** conv2d: the filter's last dim; depthwise: inChannels * channelMultiplier. */
  readonly outChannels: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly outHeight: number;
  readonly outWidth: number;
}

/** Padding as TF spells it: SAME, VALID, or an explicit count on every side. */
export type ConvPad = 'same' | 'valid' | number;

export interface ConvParams {
  readonly strides: number | readonly [number, number];
  readonly dilations: number | readonly [number, number];
  readonly pad: ConvPad;
}

/** A convolution whose shapes do not fit together; the message says which. */
export class ConvShapeError extends Error {
  override readonly name = 'ConvShapeError';
}

const pair = (v: number | readonly [number, number]): readonly [number, number] => (typeof v === 'number' ? [v, v] : v);

const positiveInt = (v: number, what: string): number => {
  if (!Number.isInteger(v) || v < 1) throw new ConvShapeError(`${what} must be a positive integer, got ${v}`);
  return v;
};

/** One spatial axis: output size and the padding before the first element, TF conventions. */
const axis = (size: number, filter: number, stride: number, dilation: number, pad: ConvPad): { readonly out: number; readonly before: number } => {
  const span = (filter - 1) * dilation + 1;
  if (pad === 'same') {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + span - size, 0);
    return { out, before: Math.floor(total / 2) };
  }
  const before = pad === 'valid' ? 0 : pad;
  return { out: Math.floor((size + 2 * before - span) / stride) + 1, before };
};

/**
 * The geometry of a convolution of `x` (NHWC) by `filter` (HWIO, or `[fh, fw, inC, mult]` for depthwise), with TF's
 * SAME/VALID conventions (SAME puts the odd padding element after). Throws ConvShapeError on shapes that do not fit.
 * @example geometryFor('conv2d', [1, 8, 8, 3], [3, 3, 3, 16], { strides: 2, dilations: 1, pad: 'same' }).outHeight // 4
 */
export const geometryFor = (kind: ConvKind, xShape: readonly number[], filterShape: readonly number[], params: ConvParams): ConvGeometry => {
  if (xShape.length !== 4) throw new ConvShapeError(`input must be rank 4 (NHWC), got shape [${xShape.join(', ')}]`);
  if (filterShape.length !== 4) throw new ConvShapeError(`filter must be rank 4, got shape [${filterShape.join(', ')}]`);
  const [batch, inHeight, inWidth, inChannels] = xShape as [number, number, number, number];
  const [filterHeight, filterWidth, filterIn, filterOut] = filterShape as [number, number, number, number];
  if (filterIn !== inChannels)
    throw new ConvShapeError(`filter input channels (${filterIn}, dim 2 of [${filterShape.join(', ')}]) must equal the input's channels (${inChannels})`);
  const [strideHeight, strideWidth] = pair(params.strides).map((v) => positiveInt(v, 'stride')) as [number, number];
  const [dilationHeight, dilationWidth] = pair(params.dilations).map((v) => positiveInt(v, 'dilation')) as [number, number];
  if (typeof params.pad === 'number' && !(Number.isInteger(params.pad) && params.pad >= 0))
    throw new ConvShapeError(`explicit padding must be a non-negative integer, got ${params.pad}`);
  const h = axis(inHeight, filterHeight, strideHeight, dilationHeight, params.pad);
  const w = axis(inWidth, filterWidth, strideWidth, dilationWidth, params.pad);
  if (h.out < 1 || w.out < 1)
    throw new ConvShapeError(
      `a ${filterHeight}x${filterWidth} filter with dilation ${dilationHeight}x${dilationWidth} does not fit a ${inHeight}x${inWidth} input with padding '${params.pad}'`,
    );
  return {
    kind,
    batch,
    inHeight,
    inWidth,
    inChannels,
    filterHeight,
    filterWidth,
    outChannels: kind === 'conv2d' ? filterOut : inChannels * filterOut,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    padTop: h.before,
    padLeft: w.before,
    outHeight: h.out,
    outWidth: w.out,
  };
};

/**
 * Padding after the last element (SAME may pad one more at the bottom/right than at the top/left).
 * @example paddingAfter(geometryFor('conv2d', [1, 4, 4, 1], [2, 2, 1, 1], { strides: 1, dilations: 1, pad: 'same' })) // { bottom: 1, right: 1 }
 */
export const paddingAfter = (g: ConvGeometry): { readonly bottom: number; readonly right: number } => ({
  bottom: Math.max((g.outHeight - 1) * g.strideHeight + (g.filterHeight - 1) * g.dilationHeight + 1 - g.inHeight - g.padTop, 0),
  right: Math.max((g.outWidth - 1) * g.strideWidth + (g.filterWidth - 1) * g.dilationWidth + 1 - g.inWidth - g.padLeft, 0),
});

/**
 * Terms in one output's window, padded positions included (the K of libs/quantization/SPEC.md's dequantization).
 * @example windowSize(geometryFor('depthwise', [1, 5, 5, 4], [3, 3, 4, 1], { strides: 1, dilations: 1, pad: 'same' })) // 9
 */
export const windowSize = (g: ConvGeometry): number => g.filterHeight * g.filterWidth * (g.kind === 'conv2d' ? g.inChannels : 1);

/**
 * Number of outputs (NHWC).
 * @example outputSize(geometryFor('conv2d', [2, 4, 4, 1], [1, 1, 1, 3], { strides: 1, dilations: 1, pad: 'valid' })) // 96
 */
export const outputSize = (g: ConvGeometry): number => g.batch * g.outHeight * g.outWidth * g.outChannels;

/** Channel multiplier of a depthwise convolution (1 for conv2d's bookkeeping). */
export const channelMultiplier = (g: ConvGeometry): number => (g.kind === 'depthwise' ? g.outChannels / g.inChannels : 1);
