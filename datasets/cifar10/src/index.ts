export * from './data-location';
