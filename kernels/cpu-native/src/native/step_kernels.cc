#include "step_kernels.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace cpunative {
namespace {

// Rows [lo, hi) of input pixels a window reads (pool-geometry.ts's windowRange).
inline void window(int o, int stride, int pad, int filter, int size, int& lo, int& hi) {
  const int start = o * stride - pad;
  lo = std::max(start, 0);
  hi = std::min(start + filter, size);
}

// Loops split over threads only from about a millisecond of work (as the convolutions do, dnnl_conv.cc): below it
// waking a thread and the barrier cost more than they save, most of all on a loaded machine.
constexpr size_t kParallelFrom = 1 << 20;

}  // namespace

void maxPool(const PoolShape& s, const float* x, float* y) {
  const int C = s.channels;
#pragma omp parallel for schedule(static) if (static_cast<size_t>(s.batch) * s.inHeight * s.inWidth * C * 9 >= kParallelFrom)
  for (int n = 0; n < s.batch; n++)
    for (int oy = 0; oy < s.outHeight; oy++) {
      int r0, r1;
      window(oy, s.strideHeight, s.padTop, s.filterHeight, s.inHeight, r0, r1);
      for (int ox = 0; ox < s.outWidth; ox++) {
        int c0, c1;
        window(ox, s.strideWidth, s.padLeft, s.filterWidth, s.inWidth, c0, c1);
        float* out = y + ((static_cast<size_t>(n) * s.outHeight + oy) * s.outWidth + ox) * C;
        std::fill(out, out + C, -std::numeric_limits<float>::infinity());
        for (int r = r0; r < r1; r++)
          for (int c = c0; c < c1; c++) {
            const float* in = x + ((static_cast<size_t>(n) * s.inHeight + r) * s.inWidth + c) * C;
            for (int d = 0; d < C; d++) out[d] = in[d] > out[d] ? in[d] : out[d];
          }
      }
    }
}

void avgPool(const PoolShape& s, const float* x, float* y) {
  const int C = s.channels;
#pragma omp parallel for schedule(static) if (static_cast<size_t>(s.batch) * s.inHeight * s.inWidth * C * 9 >= kParallelFrom)
  for (int n = 0; n < s.batch; n++) {
    std::vector<double> acc(C);
    for (int oy = 0; oy < s.outHeight; oy++) {
      int r0, r1;
      window(oy, s.strideHeight, s.padTop, s.filterHeight, s.inHeight, r0, r1);
      for (int ox = 0; ox < s.outWidth; ox++) {
        int c0, c1;
        window(ox, s.strideWidth, s.padLeft, s.filterWidth, s.inWidth, c0, c1);
        std::fill(acc.begin(), acc.end(), 0.0);
        for (int r = r0; r < r1; r++)
          for (int c = c0; c < c1; c++) {
            const float* in = x + ((static_cast<size_t>(n) * s.inHeight + r) * s.inWidth + c) * C;
            for (int d = 0; d < C; d++) acc[d] += in[d];
          }
        const int count = (r1 - r0) * (c1 - c0);
        float* out = y + ((static_cast<size_t>(n) * s.outHeight + oy) * s.outWidth + ox) * C;
        for (int d = 0; d < C; d++) out[d] = static_cast<float>(acc[d] / count);
      }
    }
  }
}

void maxPoolGrad(const PoolShape& s, const float* x, const float* dy, float* dx) {
  const int C = s.channels;
  const size_t image = static_cast<size_t>(s.inHeight) * s.inWidth * C;
#pragma omp parallel for schedule(static) if (static_cast<size_t>(s.batch) * s.inHeight * s.inWidth * C * 9 >= kParallelFrom)
  for (int n = 0; n < s.batch; n++) {
    std::vector<float> best(C);
    std::vector<int> arg(C);
    // float64 sums of the few dy each pixel receives are exact, so the scatter order does not matter
    std::vector<double> acc(image, 0.0);
    for (int oy = 0; oy < s.outHeight; oy++) {
      int r0, r1;
      window(oy, s.strideHeight, s.padTop, s.filterHeight, s.inHeight, r0, r1);
      for (int ox = 0; ox < s.outWidth; ox++) {
        int c0, c1;
        window(ox, s.strideWidth, s.padLeft, s.filterWidth, s.inWidth, c0, c1);
        std::fill(best.begin(), best.end(), -std::numeric_limits<float>::infinity());
        std::fill(arg.begin(), arg.end(), -1);
        for (int r = r0; r < r1; r++)
          for (int c = c0; c < c1; c++) {
            const int p = r * s.inWidth + c;
            const float* in = x + static_cast<size_t>(n) * image + static_cast<size_t>(p) * C;
            for (int d = 0; d < C; d++)
              if (in[d] > best[d]) {
                best[d] = in[d];
                arg[d] = p;
              }
          }
        const float* g = dy + ((static_cast<size_t>(n) * s.outHeight + oy) * s.outWidth + ox) * C;
        for (int d = 0; d < C; d++)
          if (arg[d] >= 0) acc[static_cast<size_t>(arg[d]) * C + d] += g[d];
      }
    }
    float* out = dx + static_cast<size_t>(n) * image;
    for (size_t i = 0; i < image; i++) out[i] = static_cast<float>(acc[i]);
  }
}

void avgPoolGrad(const PoolShape& s, const float* dy, float* dx) {
  const int C = s.channels;
  std::vector<double> inv(static_cast<size_t>(s.outHeight) * s.outWidth);
  for (int oy = 0; oy < s.outHeight; oy++)
    for (int ox = 0; ox < s.outWidth; ox++) {
      int r0, r1, c0, c1;
      window(oy, s.strideHeight, s.padTop, s.filterHeight, s.inHeight, r0, r1);
      window(ox, s.strideWidth, s.padLeft, s.filterWidth, s.inWidth, c0, c1);
      const int count = (r1 - r0) * (c1 - c0);
      inv[static_cast<size_t>(oy) * s.outWidth + ox] = count > 0 ? 1.0 / count : 0.0;
    }
#pragma omp parallel for schedule(static) if (static_cast<size_t>(s.batch) * s.inHeight * s.inWidth * C * 9 >= kParallelFrom)
  for (int n = 0; n < s.batch; n++) {
    std::vector<double> acc(static_cast<size_t>(s.inHeight) * s.inWidth * C, 0.0);
    for (int oy = 0; oy < s.outHeight; oy++) {
      int r0, r1;
      window(oy, s.strideHeight, s.padTop, s.filterHeight, s.inHeight, r0, r1);
      for (int ox = 0; ox < s.outWidth; ox++) {
        int c0, c1;
        window(ox, s.strideWidth, s.padLeft, s.filterWidth, s.inWidth, c0, c1);
        const double scale = inv[static_cast<size_t>(oy) * s.outWidth + ox];
        const float* g = dy + ((static_cast<size_t>(n) * s.outHeight + oy) * s.outWidth + ox) * C;
        for (int r = r0; r < r1; r++)
          for (int c = c0; c < c1; c++) {
            double* a = acc.data() + (static_cast<size_t>(r) * s.inWidth + c) * C;
            for (int d = 0; d < C; d++) a[d] += g[d] * scale;
          }
      }
    }
    float* out = dx + static_cast<size_t>(n) * s.inHeight * s.inWidth * C;
    for (size_t i = 0; i < acc.size(); i++) out[i] = static_cast<float>(acc[i]);
  }
}

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
