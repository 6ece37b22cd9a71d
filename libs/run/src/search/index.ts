export * from './bilevel-step';
export * from './search-checkpoint';
export * from './search-loop';
export * from './search-records';
export * from './search-config';
export * from './expected-energy';
export * from './energy-penalty';
export * from './search-csv';
