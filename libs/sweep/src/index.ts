export * from './sweep-file';
export * from './job-graph';
export * from './job-script';
export * from './job-state';
export * from './sweep-report';
