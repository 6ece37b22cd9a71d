
export * from './step-profiler';
