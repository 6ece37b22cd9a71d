export * from './lut-packing';
export * from './lut-conv-program';
export * from './range-program';
export * from './quantize-program';
export * from './fake-quantize-program';
export * from './gpu-accumulate';
export * from './register';
export * from './gpu-range';
export type { GpuBackend } from './gpu-backend';
