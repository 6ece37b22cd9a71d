export * from './operation-costs';
export * from './operation-counts';
export * from './network-energy';
export * from './search-energy';
