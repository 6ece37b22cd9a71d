export * from './addon-status';
