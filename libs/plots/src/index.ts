export * from './render';
export * from './line-chart';
export * from './scatter-chart';
export * from './alpha-charts';
export * from './error-heatmap';
