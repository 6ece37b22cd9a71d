export * from './atomic-write';
export * from './jsonl';
export * from './checkpoint';
export * from './process-alive';
export * from './stale-temps';
export * from './run-lock';
export * from './config-history';
export * from './interrupt';
