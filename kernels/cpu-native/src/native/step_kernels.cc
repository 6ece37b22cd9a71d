#include "step_kernels.h"

#include "parallel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace cpunative {

void relu(size_t n, const float* x, float* y) {
#pragma omp parallel for schedule(static) if (n >= kParallelFrom)
  for (size_t i = 0; i < n; i++) y[i] = x[i] < 0.0f ? 0.0f : x[i];
}

void reluBackward(size_t n, const float* dy, const float* x, float* dx) {
#pragma omp parallel for schedule(static) if (n >= kParallelFrom)
  for (size_t i = 0; i < n; i++) dx[i] = std::isnan(x[i]) ? x[i] : dy[i] * (x[i] > 0.0f ? 1.0f : 0.0f);
}

void add(size_t n, const float* a, const float* b, float* y) {
#pragma omp parallel for schedule(static) if (n >= kParallelFrom)
  for (size_t i = 0; i < n; i++) y[i] = a[i] + b[i];
}

void weightedSum(size_t n, size_t k, const float* const* xs, const float* scales, float* y) {
#pragma omp parallel for schedule(static) if (n >= kParallelFrom)
  for (size_t i = 0; i < n; i++) {
    float acc = 0.0f;
    for (size_t j = 0; j < k; j++) acc += xs[j][i] * scales[j];
    y[i] = acc;
  }
}

void weightedSumDots(size_t n, size_t k, const float* dy, const float* const* xs, double* dots) {
  for (size_t j = 0; j < k; j++) {
    double dot = 0.0;
    const float* x = xs[j];
#pragma omp parallel for schedule(static) reduction(+ : dot) if (n >= kParallelFrom)
    for (size_t i = 0; i < n; i++) dot += static_cast<double>(dy[i]) * x[i];
    dots[j] = dot;
  }
}

void batchNormTrain(size_t n, int channels, const float* x, const float* runningMean, const float* runningVar, const float* gamma, const float* beta,
                    double epsilon, double momentum, float* y, float* stats) {
  const size_t C = channels, rows = n / C;
  std::vector<double> sums(C, 0.0), squares(C, 0.0);
  for (size_t r = 0; r < rows; r++)
    for (size_t c = 0; c < C; c++) sums[c] += x[r * C + c];
  float* mean = stats;
  float* invStd = stats + C;
  for (size_t c = 0; c < C; c++) mean[c] = static_cast<float>(sums[c] / rows);
  for (size_t r = 0; r < rows; r++)
    for (size_t c = 0; c < C; c++) {
      const double d = static_cast<double>(x[r * C + c]) - mean[c];
      squares[c] += d * d;
    }
  std::vector<float> variance(C);
  for (size_t c = 0; c < C; c++) {
    variance[c] = static_cast<float>(squares[c] / rows);
    invStd[c] = static_cast<float>(1.0 / std::sqrt(static_cast<double>(static_cast<float>(variance[c] + epsilon))));
  }
#pragma omp parallel for schedule(static) if (n >= kParallelFrom)
  for (size_t r = 0; r < rows; r++)
    for (size_t c = 0; c < C; c++) {
      const float normalized = (x[r * C + c] - mean[c]) * invStd[c];
      y[r * C + c] = gamma != nullptr ? normalized * gamma[c] + beta[c] : normalized;
    }
  const float keep = static_cast<float>(1.0 - momentum);
  const float unbiased = static_cast<float>(momentum * rows / std::max<double>(rows - 1.0, 1.0));
  for (size_t c = 0; c < C; c++) {
    stats[2 * C + c] = runningMean[c] * keep + static_cast<float>(mean[c] * momentum);
    stats[3 * C + c] = runningVar[c] * keep + variance[c] * unbiased;
    stats[4 * C + c] = gamma != nullptr ? gamma[c] : 1.0f;
  }
}

void batchNormTrainGrad(size_t n, int channels, const float* dy, const float* x, const float* stats, float* dx, float* sums) {
  const size_t C = channels, rows = n / C;
  std::vector<double> sumDy(C, 0.0), sumDyCentered(C, 0.0);
  for (size_t r = 0; r < rows; r++)
    for (size_t c = 0; c < C; c++) {
      sumDy[c] += dy[r * C + c];
      sumDyCentered[c] += static_cast<double>(dy[r * C + c]) * (static_cast<double>(x[r * C + c]) - stats[c]);
    }
  std::vector<double> scale(C), perX(C), offset(C);
  for (size_t c = 0; c < C; c++) {
    const double sumDyXhat = sumDyCentered[c] * stats[C + c];
    scale[c] = static_cast<double>(stats[4 * C + c]) * stats[C + c];
    perX[c] = stats[C + c] * sumDyXhat / rows;
    offset[c] = sumDy[c] / rows - stats[c] * perX[c];
    sums[c] = static_cast<float>(sumDy[c]);
    sums[C + c] = static_cast<float>(sumDyXhat);
  }
#pragma omp parallel for schedule(static) if (n >= kParallelFrom)
  for (size_t r = 0; r < rows; r++)
    for (size_t c = 0; c < C; c++) dx[r * C + c] = static_cast<float>(scale[c] * (dy[r * C + c] - x[r * C + c] * perX[c] - offset[c]));
}

}  // namespace cpunative
