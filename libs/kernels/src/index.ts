// Side effect first: tfjs-core's own gradients, which our ops' backward passes need (core-gradient-configs.ts says why).
export * from './core-gradients';
export * from './kernel-names';
export * from './fake-quantize-names';
export * from './table-registry';
export * from './fast-accumulate';
export * from './register';
export * from './batch-norm-names';
export * from './weighted-sum-names';
export * from './sgd-step-names';
export * from './relu-backward-names';
export * from './ops';
export * from './kernel-profile';
export * from './direct-dilation';
export * from './output-pool';
