import type { FastKernel } from './fast-kernel';
export const convKernels: readonly FastKernel[] = [];
