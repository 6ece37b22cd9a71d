import type { FastKernel } from './fast-kernel';
export const elementwiseKernels: readonly FastKernel[] = [];
