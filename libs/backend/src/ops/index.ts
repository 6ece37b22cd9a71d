export * from './conv';
export * from './exact-conv';
export * from './fake-quantize';
