export * from './optimizer';
export * from './clip';
export { ADAM_STEP } from './adam';
