export * from './backprop-release';
