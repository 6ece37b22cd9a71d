export * from './geometry';
export * from './accumulate';
export * from './dequantize';
export * from './approx-convolution';
