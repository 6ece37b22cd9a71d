export { loadCpuNative, addonPath, type CpuNativeAddon, type Loaded, type LutPathRequest, type LutPathState } from './native';
export { cpuNativeStatus, type CpuNativeStatus } from './status';
export { convGeometryArray, nativeConv, nativeConvImplementation, type ConvPass, type NativeConvShape } from './conv';
export { nativeLutAccumulate, nativeLutConvolve, nativeLutPath, type NativeAccumulated } from './lut';
export { setNativeThreads } from './threads';
export { nativeDecodePadded, nativeQuantize, nativeValueRange, type DequantizeFactors } from './approx';
