export * from './search';
export * from './train';
export * from './readback';
export * from './profile';
export * from './autodiff';
