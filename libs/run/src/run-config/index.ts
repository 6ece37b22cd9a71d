export * from './reconcile-config';
export * from './run-directory';
export * from './recorded-padding';
