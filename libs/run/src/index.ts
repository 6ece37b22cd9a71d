export * from './search';
export * from './train';
export * from './readback';
export * from './profile';
export * from './autodiff';
export * from './run-errors';
export * from './evaluate';
export * from './loss';
