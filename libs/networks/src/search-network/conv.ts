// Every convolution of the network goes through the backend ops: exact when no binding is given, the approximate
// kernels otherwise, and differentiable at any dilation either way.
export { conv2d, depthwiseConv2d, type ApproxBinding, type ConvOptions } from '@approx-darts/kernels';
