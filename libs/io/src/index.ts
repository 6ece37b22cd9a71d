export * from './lut-search-path';
