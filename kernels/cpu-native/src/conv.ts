import type { CpuNativeAddon } from './native';

/** Which convolution pass: y from x and filter, dx from dy and filter, or dfilter from x and dy. */
export type ConvPass = 'forward' | 'backwardData' | 'backwardWeights';
const passCode: Readonly<Record<ConvPass, number>> = { forward: 0, backwardData: 1, backwardWeights: 2 };

/**
 * A convolution's geometry as tfjs computes it (computeConv2DInfo): NHWC activations, HWIO filters (depthwise
 * H,W,C,M), explicit pads, dilation 1 = dense.
 */
export interface NativeConvShape {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly padBottom: number;
  readonly padRight: number;
  readonly depthwise: boolean;
}

/** The Int32Array the addon reads a shape from (src/native/addon.cc, convShapeOf). */
export const convGeometryArray = (s: NativeConvShape): Int32Array =>
  Int32Array.from([
    s.batch, s.inHeight, s.inWidth, s.inChannels, s.outHeight, s.outWidth, s.outChannels, s.filterHeight, s.filterWidth,
    s.strideHeight, s.strideWidth, s.dilationHeight, s.dilationWidth, s.padTop, s.padLeft, s.padBottom, s.padRight, s.depthwise ? 1 : 0,
  ]);

/** One pass on oneDNN into `out`; throws when oneDNN rejects the shape (callers fall back to tfjs). */
export const nativeConv = (addon: CpuNativeAddon, pass: ConvPass, s: NativeConvShape, a: Float32Array, b: Float32Array, out: Float32Array): void =>
  addon.conv(passCode[pass], convGeometryArray(s), a, b, out);

/** The oneDNN implementation that runs a pass on a shape, e.g. "jit_dw:avx512_core". */
export const nativeConvImplementation = (addon: CpuNativeAddon, pass: ConvPass, s: NativeConvShape): string => addon.convImpl(passCode[pass], convGeometryArray(s));
