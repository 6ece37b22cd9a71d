export * from './conv';
export * from './exact-conv';
export * from './fake-quantize';
export * from './batch-norm-train';
export * from './weighted-sum';
