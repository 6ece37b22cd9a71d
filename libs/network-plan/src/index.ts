export * from './layer';
export * from './layers';
export * from './darts-blocks';
export * from './search-network';
export * from './eval-network';
export * from './plan-totals';
export * from './cell-wiring';
export * from './padding';
