import * as tf from '@tensorflow/tfjs-core';
import { nativeConv, type ConvPass, type CpuNativeAddon, type NativeConvShape } from '@approx-darts/cpu-native';
import type { FastKernel } from '../fast-kernel';
import { outputFloat32 } from '@approx-darts/kernels';
import { cpuArgs, float32Of, isNhwc, output, type Shape4 } from '../nhwc-conv';

// The six convolution kernels of a DARTS step on oneDNN (kernels/cpu-native/src/native/dnnl_conv.cc), reading and
// writing the cpu backend's typed arrays in place. Geometry comes from tfjs's own computeConv2DInfo, so padding and
// output sizes match tfjs exactly; anything the addon does not take (other dtypes, NCHW, a shape oneDNN rejects)
// falls back to the kernel registered before (the TypeScript fast path, then tfjs's).

type Pad = tf.backend_util.ExplicitPadding | 'valid' | 'same' | number;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

const shapeOf = (xShape: Shape4, filterShape: Shape4, attrs: tf.NamedAttrMap, depthwise: boolean): NativeConvShape => {
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs['strides'] as number | [number, number],
    (attrs['dilations'] as number | [number, number] | undefined) ?? 1,
    attrs['pad'] as Pad,
    attrs['dimRoundingMode'] as Rounding,
    depthwise,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    padBottom: info.padInfo.bottom,
    padRight: info.padInfo.right,
    depthwise,
  };
};

const nonEmpty = (s: NativeConvShape): boolean =>
  [s.batch, s.inHeight, s.inWidth, s.inChannels, s.outHeight, s.outWidth, s.outChannels, s.filterHeight, s.filterWidth].every((d) => d > 0);

interface Spec {
  readonly kernelName: string;
  readonly pass: ConvPass;
  readonly depthwise: boolean;
  /** The kernel's two float inputs, in the order the pass reads them (a, b). */
  readonly inputs: readonly [string, string];
  /** x's and the filter's shapes from the call. */
  readonly shapes: (inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap) => readonly [Shape4, Shape4];
}

const shape4 = (v: unknown): Shape4 => [...(v as number[])] as Shape4;
const forwardShapes: Spec['shapes'] = (inputs) => [shape4(inputs['x']?.shape), shape4(inputs['filter']?.shape)];
const dataShapes: Spec['shapes'] = (inputs, attrs) => [shape4(attrs['inputShape']), shape4(inputs['filter']?.shape)];
const weightShapes: Spec['shapes'] = (inputs, attrs) => [shape4(inputs['x']?.shape), shape4(attrs['filterShape'])];

const specs: readonly Spec[] = [
  { kernelName: tf.Conv2D, pass: 'forward', depthwise: false, inputs: ['x', 'filter'], shapes: forwardShapes },
  { kernelName: tf.Conv2DBackpropInput, pass: 'backwardData', depthwise: false, inputs: ['dy', 'filter'], shapes: dataShapes },
  { kernelName: tf.Conv2DBackpropFilter, pass: 'backwardWeights', depthwise: false, inputs: ['x', 'dy'], shapes: weightShapes },
  { kernelName: tf.DepthwiseConv2dNative, pass: 'forward', depthwise: true, inputs: ['x', 'filter'], shapes: forwardShapes },
  { kernelName: tf.DepthwiseConv2dNativeBackpropInput, pass: 'backwardData', depthwise: true, inputs: ['dy', 'filter'], shapes: dataShapes },
  { kernelName: tf.DepthwiseConv2dNativeBackpropFilter, pass: 'backwardWeights', depthwise: true, inputs: ['x', 'dy'], shapes: weightShapes },
];

const outShapeOf = (pass: ConvPass, s: NativeConvShape, xShape: Shape4, filterShape: Shape4): readonly number[] =>
  pass === 'forward' ? [s.batch, s.outHeight, s.outWidth, s.outChannels] : pass === 'backwardData' ? xShape : filterShape;

const kernelOf = (addon: CpuNativeAddon, spec: Spec): FastKernel => ({
  kernelName: spec.kernelName,
  make: (original) => (args) => {
    const { inputs, backend, attrs } = cpuArgs(args);
    const a = float32Of(backend, inputs[spec.inputs[0]]);
    const b = float32Of(backend, inputs[spec.inputs[1]]);
    if (a === undefined || b === undefined || !isNhwc(attrs['dataFormat'])) return original(args);
    const [xShape, filterShape] = spec.shapes(inputs, attrs);
    const s = shapeOf(xShape, filterShape, attrs, spec.depthwise);
    if (!nonEmpty(s)) return original(args);
    const outShape = outShapeOf(spec.pass, s, xShape, filterShape);
    const out = outputFloat32(outShape.reduce((p, d) => p * d, 1));
    try {
      nativeConv(addon, spec.pass, s, a, b, out);
    } catch (e) {
      // oneDNN rejected this geometry (its message names it); the previously registered kernel computes it instead,
      // except a dilated backprop, which tfjs's kernels would compute as if undilated (../../../kernels/src/direct-dilation.ts)
      if (spec.pass !== 'forward' && (s.dilationHeight > 1 || s.dilationWidth > 1)) throw e;
      return original(args);
    }
    return output(backend, outShape, out);
  },
});

/** The native convolution kernels over a loaded addon. */
export const nativeConvKernels = (addon: CpuNativeAddon): readonly FastKernel[] => specs.map((s) => kernelOf(addon, s));
