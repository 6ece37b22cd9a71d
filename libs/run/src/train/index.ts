export * from './train-config';
export * from './epoch';
export * from './run-training';
export * from './evaluate-checkpoint';
export * from './initial-params';
