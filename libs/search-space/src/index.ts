export * from './primitives';
export * from './operation';
export * from './darts-operations';
export * from './topology';
export * from './macro';
export * from './decode-errors';
export * from './search-space';
export * from './combinators';
