export * from './lut-packing';
export * from './lut-conv-program';
export * from './range-program';
export { affineWgsl } from './quantize-wgsl';
export * from './fake-quantize-program';
export * from './gpu-accumulate';
export * from './register';
export * from './gpu-range';
export type { GpuBackend } from './gpu-backend';
