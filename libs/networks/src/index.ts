export * from './search-network';
export * from './eval-network';
