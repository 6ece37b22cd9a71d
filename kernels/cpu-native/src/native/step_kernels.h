// The non-convolution kernels of a search step (the fused batch norm and weighted sum of
// libs/kernels/src/*-names.ts, ReLU and its gradient, same-shape Add) as vectorizable loops over the cpu
// backend's arrays. Each computes what the TypeScript kernel it replaces computes, in the same order and precision
// (float32 elementwise, float64 per-channel sums), so results agree bit for bit where the TypeScript one is exact.
#pragma once

#include <cstddef>

namespace cpunative {

void relu(size_t n, const float* x, float* y);
void reluBackward(size_t n, const float* dy, const float* x, float* dx);
void add(size_t n, const float* a, const float* b, float* y);
// y = sum_j scales[j] * xs[j], each product and partial sum rounded to float32 in order j = 0, 1, ...
void weightedSum(size_t n, size_t k, const float* const* xs, const float* scales, float* y);
// dots[j] = sum_i dy[i] * xs[j][i] in float64.
void weightedSumDots(size_t n, size_t k, const float* dy, const float* const* xs, double* dots);

// batch-norm-names.ts: y, stats [5, C] (mean, invStd, running mean, running var, gamma or 1).
void batchNormTrain(size_t n, int channels, const float* x, const float* runningMean, const float* runningVar, const float* gamma, const float* beta,
                    double epsilon, double momentum, float* y, float* stats);
// dx and sums [2, C] (sum dy, sum dy * xhat).
void batchNormTrainGrad(size_t n, int channels, const float* dy, const float* x, const float* stats, float* dx, float* sums);

}  // namespace cpunative
