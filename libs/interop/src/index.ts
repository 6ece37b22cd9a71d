export * from './named-tensor';
export * from './eval-layout';
export * from './onnx-proto';
export * from './onnx-graph';
export * from './onnx-export';
