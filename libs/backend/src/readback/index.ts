export * from './read-scalars';
