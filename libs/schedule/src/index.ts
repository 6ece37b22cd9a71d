export * from './lr-schedule';
export * from './optimizer';
export * from './bilevel-plan';
export * from './plan-codecs';
export * from './presets';
export * from './override';
export * from './run-presets';
