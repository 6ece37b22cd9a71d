export * from './range';
export * from './affine';
export * from './tensor';
