export * from './engines/probe';
