import { layerDefaults, type Layer, type Shape } from './layer';
import { windowPads, type Padding } from './padding';

/** A built piece of network: its layers and the shape it outputs. */
export interface Block {
  readonly layers: readonly Layer[];
  readonly output: Shape;
}

/**
 * Output side of a convolution or pooling window (PyTorch's formula).
 * @example convSide(32, 3, 2, 1, 1) === 16
 */
export const convSide = (side: number, kernel: number, stride: number, pad: number, dilation: number): number =>
  Math.floor((side + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1;

/** How a convolution's multiplications are done: an approximate multiplier's name, or null for exact. */
export interface Arithmetic {
  readonly multiplier: string | null;
}

/** Side of a window's output with explicit padding before and after. */
const paddedSide = (side: number, kernel: number, stride: number, before: number, after: number, dilation: number): number =>
  Math.floor((side + before + after - dilation * (kernel - 1) - 1) / stride) + 1;

type Pads = readonly [number, number, number, number];

/** A window's pads: from a padding choice when given, else `pad` on every side. */
const padsOf = (input: Shape, kernel: number, stride: number, dilation: number, pad: number, padding: Padding | undefined): Pads =>
  padding === undefined ? [pad, pad, pad, pad] : windowPads(padding, [input[1], input[2]], kernel, stride, dilation);

/** A convolution's geometry. `groups` = input channels for a depthwise conv; `padding` (when given) decides the pads, else `pad` on every side. */
export interface ConvSpec {
  readonly kind: 'conv' | 'depthwise' | 'pointwise';
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride?: number;
  readonly pad?: number;
  readonly padding?: Padding;
  readonly dilation?: number;
  readonly groups?: number;
  readonly bias?: boolean;
  /** The input is cropped by this many pixels at the top-left first (FactorizedReduce's shifted half). */
  readonly shift?: number;
}

/**
 * A convolution layer; params = out * in/groups * k^2 (+ out with bias), MACs = params without bias * output pixels.
 * @example conv('stem', [3, 32, 32], { kind: 'conv', outChannels: 48, kernel: 3, pad: 1 }, { multiplier: null }).params === 1296
 */
export const conv = (path: string, input: Shape, spec: ConvSpec, arithmetic: Arithmetic): Layer => {
  const [c, h, w] = input;
  const { kernel, stride = 1, pad = 0, dilation = 1, groups = 1, bias = false, shift = 0 } = spec;
  const pads = padsOf([c, h - shift, w - shift], kernel, stride, dilation, pad, spec.padding);
  const output: Shape = [
    spec.outChannels,
    paddedSide(h - shift, kernel, stride, pads[0], pads[2], dilation),
    paddedSide(w - shift, kernel, stride, pads[1], pads[3], dilation),
  ];
  const weights = spec.outChannels * (c / groups) * kernel * kernel;
  return {
    ...layerDefaults,
    path,
    kind: spec.kind,
    input,
    output,
    kernel,
    stride,
    dilation,
    pads,
    groups,
    bias,
    params: weights + (bias ? spec.outChannels : 0),
    macs: weights * output[1] * output[2],
    approximate: arithmetic.multiplier !== null,
    multiplier: arithmetic.multiplier,
  };
};

/**
 * Batch normalization; affine BN has a scale and a shift per channel (running statistics are buffers, not parameters).
 * @example bn('bn', [16, 32, 32], true).params === 32
 */
export const bn = (path: string, shape: Shape, affine: boolean): Layer => ({
  ...layerDefaults,
  path,
  kind: 'bn',
  input: shape,
  output: shape,
  affine,
  params: affine ? 2 * shape[0] : 0,
});

/**
 * A pooling window (max or average); `pad` pixels of padding on each side, or as `padding` places them.
 * @example pool('p', [16, 32, 32], 'max', 3, 2, 1).output // [16, 16, 16]
 */
export const pool = (path: string, input: Shape, kind: 'max' | 'avg', kernel: number, stride: number, pad: number, padding?: Padding): Layer => {
  const pads = padsOf(input, kernel, stride, 1, pad, padding);
  return {
    ...layerDefaults,
    path,
    kind: 'pool',
    input,
    output: [input[0], paddedSide(input[1], kernel, stride, pads[0], pads[2], 1), paddedSide(input[2], kernel, stride, pads[1], pads[3], 1)],
    kernel,
    stride,
    pads,
    pool: kind,
  };
};

/**
 * Global average pooling to 1x1.
 * @example globalAvgPool('gap', [576, 8, 8]).output // [576, 1, 1]
 */
export const globalAvgPool = (path: string, input: Shape): Layer => pool(path, input, 'avg', input[1], input[1], 0);

/**
 * Element-wise sum of `terms` tensors of one shape; `weighted` scales each term first (a DARTS mixed op).
 * @example add('n', [16, 32, 32], 2).terms === 2
 */
export const add = (path: string, shape: Shape, terms: number, weighted = false): Layer => ({
  ...layerDefaults,
  path,
  kind: 'add',
  input: shape,
  output: shape,
  terms,
  weighted,
});

/**
 * A fully connected layer with bias.
 * @example linear('classifier', 576, 10).params === 5770
 */
export const linear = (path: string, inFeatures: number, outFeatures: number): Layer => ({
  ...layerDefaults,
  path,
  kind: 'linear',
  input: [inFeatures, 1, 1],
  output: [outFeatures, 1, 1],
  bias: true,
  params: inFeatures * outFeatures + outFeatures,
  macs: inFeatures * outFeatures,
});

/**
 * Marks layers as belonging to the auxiliary head.
 * @example asAuxiliary([linear('auxiliary.classifier', 768, 10)])[0].auxiliary === true
 */
export const asAuxiliary = (layers: readonly Layer[]): readonly Layer[] => layers.map((l) => ({ ...l, auxiliary: true }));
