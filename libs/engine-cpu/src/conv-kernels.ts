import type { FastKernel } from './fast-kernel';
import { conv2dBackpropFilter } from './conv2d-backprop-filter';
import { conv2dBackpropInput } from './conv2d-backprop-input';
import { depthwiseConv2d } from './depthwise-conv2d';
import { depthwiseConv2dBackpropFilter } from './depthwise-conv2d-backprop-filter';
import { depthwiseConv2dBackpropInput } from './depthwise-conv2d-backprop-input';

// Conv2D (forward) stays tfjs's: its loop already runs the output channels contiguously, and a rewrite measured
// within noise of it (0.8-1.15x on the search network's shapes).
export const convKernels: readonly FastKernel[] = [
  conv2dBackpropFilter,
  depthwiseConv2dBackpropFilter,
  depthwiseConv2dBackpropInput,
  depthwiseConv2d,
  conv2dBackpropInput,
];
