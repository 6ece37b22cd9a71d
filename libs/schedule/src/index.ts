export * from './lr-schedule';
export * from './optimizer';
export * from './bilevel-plan';
