export * from './atomic-write';
export * from './jsonl';
export * from './checkpoint';
