// The gradient of ReLU as one kernel, declared once like the approximate convolutions (kernel-names.ts). tfjs-core's
// Relu gradient is three kernels, mul(dy, cast(step(x), 'float32')), run once per ReLU of the network per backward pass.
export const ReluBackward = 'ReluBackward';

/**
 * Inputs: `dy` and `x` of one shape, float32. Output: `dy * step(x)`, step(x) = 1 for x > 0, 0 otherwise and NaN for
 * NaN: what tfjs-core's composition computes, bit for bit (a product with 0 keeps dy's sign, as tfjs's Multiply does).
 */
export type ReluBackwardInputName = 'dy' | 'x';
