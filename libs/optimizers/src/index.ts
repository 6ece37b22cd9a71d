export * from './optimizer';
export * from './bound-optimizer';
export * from './clip';
export * from './checkpoint-keys';
export { ADAM_STEP } from './adam';
