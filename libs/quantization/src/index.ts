export * from './f32';
export * from './range';
export * from './affine';
export * from './tensor';
export * from './dequantize';
