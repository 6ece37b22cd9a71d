export * from './probe';
export * from './select';
