export * from './params';
export * from './block';
export * from './batch-norm';
export * from './operations';
export * from './mixed-op';
export * from './search-cell';
export * from './search-network';
