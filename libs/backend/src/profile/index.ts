export * from './kernel-profile';
