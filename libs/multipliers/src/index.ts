export * from './table';
export * from './metrics';
export * from './metadata';
export * from './paper';
export * from './suggest';
