export * from './kernel-profile';
export * from './step-profiler';
