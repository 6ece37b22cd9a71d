// Max and average pooling and their gradients over NHWC arrays, as the TypeScript kernels they replace compute them
// (libs/engine-cpu/src/max-pool-grad.ts, avg-pool-grad.ts): window sums in float64, tfjs's argmax rule.
#pragma once

namespace cpunative {

// NHWC pooling geometry (tfjs's computePool2DInfo, dilation 1).
struct PoolShape {
  int batch, inHeight, inWidth, channels, outHeight, outWidth;
  int filterHeight, filterWidth, strideHeight, strideWidth, padTop, padLeft;
};

void maxPool(const PoolShape& s, const float* x, float* y);
void avgPool(const PoolShape& s, const float* x, float* y);
// tfjs's argmax rule (first strict maximum in row-major window order); dx overwritten.
void maxPoolGrad(const PoolShape& s, const float* x, const float* dy, float* dx);
// The exact adjoint of avgPool: each window's dy divided by its count of in-image pixels (cpu-fast/avg-pool-grad.ts).
void avgPoolGrad(const PoolShape& s, const float* dy, float* dx);

}  // namespace cpunative
