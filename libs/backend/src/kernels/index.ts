export * from './kernel-names';
export * from './fake-quantize-names';
export * from './table-registry';
export * from './fast-accumulate';
export * from './gpujs-accumulate';
export * from './register';
export * from './batch-norm-names';
export * from './weighted-sum-names';
