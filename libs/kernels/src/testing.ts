// Test support only: the gpu.js reference accumulation (an independent implementation the conformance suite compares
// against; gpu.js is a dev dependency) and the guard that makes synchronous device reads throw.
export * from './gpujs-accumulate';
export * from './sync-reads.testing';
