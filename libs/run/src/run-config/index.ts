export * from './reconcile-config';
export * from './run-directory';
