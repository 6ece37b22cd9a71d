#include "step_kernels.h"

#include "parallel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
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

namespace {

// Per-channel values of a batch norm: a fixed-size array where the channel count is a compile-time constant (the
// sums then stay in registers and each row's channels add as one vector), a vector otherwise.
template <int kC, typename T>
struct PerChannel {
  T v[kC] = {};
  explicit PerChannel(size_t) {}
  T& operator[](size_t i) { return v[i]; }
};
template <typename T>
struct PerChannel<0, T> {
  std::vector<T> v;
  explicit PerChannel(size_t n) : v(n, T()) {}
  T& operator[](size_t i) { return v[i]; }
};

// The search network's channel counts as template arguments; any other count runs the same code with C at run time.
template <typename F>
void withChannels(int channels, F f) {
  switch (channels) {
    case 4: return f(std::integral_constant<int, 4>());
    case 8: return f(std::integral_constant<int, 8>());
    case 12: return f(std::integral_constant<int, 12>());
    case 16: return f(std::integral_constant<int, 16>());
    case 32: return f(std::integral_constant<int, 32>());
    case 48: return f(std::integral_constant<int, 48>());
    case 64: return f(std::integral_constant<int, 64>());
    default: return f(std::integral_constant<int, 0>());
  }
}

// Sums run over rows in order, one float64 sum per channel, as the TypeScript kernels' do (so the results are theirs
// bit for bit); only the channels of a row are added side by side.
template <int kC>
void batchNormTrainFor(size_t n, int channels, const float* x, const float* runningMean, const float* runningVar, const float* gamma, const float* beta,
                       double epsilon, double momentum, float* y, float* stats) {
  const size_t C = kC > 0 ? kC : channels, rows = n / C;
  PerChannel<kC, double> sums(C), squares(C);
  for (size_t r = 0; r < rows; r++)
    for (size_t c = 0; c < C; c++) sums[c] += x[r * C + c];
  float* mean = stats;
  float* invStd = stats + C;
  for (size_t c = 0; c < C; c++) mean[c] = static_cast<float>(sums[c] / rows);
  PerChannel<kC, double> center(C);
  for (size_t c = 0; c < C; c++) center[c] = mean[c];
  for (size_t r = 0; r < rows; r++)
    for (size_t c = 0; c < C; c++) {
      const double d = static_cast<double>(x[r * C + c]) - center[c];
      squares[c] += d * d;
    }
  PerChannel<kC, float> variance(C), m(C), inv(C), g(C), b(C);
  for (size_t c = 0; c < C; c++) {
    variance[c] = static_cast<float>(squares[c] / rows);
    invStd[c] = static_cast<float>(1.0 / std::sqrt(static_cast<double>(static_cast<float>(variance[c] + epsilon))));
    m[c] = mean[c];
    inv[c] = invStd[c];
    g[c] = gamma != nullptr ? gamma[c] : 1.0f;
    b[c] = gamma != nullptr ? beta[c] : 0.0f;
  }
  const bool affine = gamma != nullptr;
#pragma omp parallel for schedule(static) if (n >= kParallelFrom)
  for (size_t r = 0; r < rows; r++)
    for (size_t c = 0; c < C; c++) {
      const float normalized = (x[r * C + c] - m[c]) * inv[c];
      y[r * C + c] = affine ? normalized * g[c] + b[c] : normalized;
    }
  const float keep = static_cast<float>(1.0 - momentum);
  const float unbiased = static_cast<float>(momentum * rows / std::max<double>(rows - 1.0, 1.0));
  for (size_t c = 0; c < C; c++) {
    stats[2 * C + c] = runningMean[c] * keep + static_cast<float>(mean[c] * momentum);
    stats[3 * C + c] = runningVar[c] * keep + variance[c] * unbiased;
    stats[4 * C + c] = affine ? gamma[c] : 1.0f;
  }
}

template <int kC>
void batchNormTrainGradFor(size_t n, int channels, const float* dy, const float* x, const float* stats, float* dx, float* sums) {
  const size_t C = kC > 0 ? kC : channels, rows = n / C;
  PerChannel<kC, double> sumDy(C), sumDyCentered(C), mean(C);
  for (size_t c = 0; c < C; c++) mean[c] = stats[c];
  for (size_t r = 0; r < rows; r++)
    for (size_t c = 0; c < C; c++) {
      sumDy[c] += dy[r * C + c];
      sumDyCentered[c] += static_cast<double>(dy[r * C + c]) * (static_cast<double>(x[r * C + c]) - mean[c]);
    }
  PerChannel<kC, double> scale(C), perX(C), offset(C);
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

}  // namespace

void batchNormTrain(size_t n, int channels, const float* x, const float* runningMean, const float* runningVar, const float* gamma, const float* beta,
                    double epsilon, double momentum, float* y, float* stats) {
  withChannels(channels, [&](auto k) { batchNormTrainFor<decltype(k)::value>(n, channels, x, runningMean, runningVar, gamma, beta, epsilon, momentum, y, stats); });
}

void batchNormTrainGrad(size_t n, int channels, const float* dy, const float* x, const float* stats, float* dx, float* sums) {
  withChannels(channels, [&](auto k) { batchNormTrainGradFor<decltype(k)::value>(n, channels, dy, x, stats, dx, sums); });
}

}  // namespace cpunative
