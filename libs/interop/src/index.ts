export * from './named-tensor';
export * from './eval-layout';
export * from './onnx-proto';
export * from './onnx-graph';
export * from './onnx-export';
export * from './npz';
export * from './darts-state-dict';
export * from './darts-genotype';
