#include "pooling.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "parallel.h"

namespace cpunative {
namespace {

// Rows [lo, hi) of input pixels a window reads (pool-geometry.ts's windowRange).
inline void window(int o, int stride, int pad, int filter, int size, int& lo, int& hi) {
  const int start = o * stride - pad;
  lo = std::max(start, 0);
  hi = std::min(start + filter, size);
}

// Every pool runs at stride 1 (a strided one reads its outputs from that, below). An image is copied once into a plane padded to the
// windows' full extent (-inf or 0 outside the image), so that every window reads the same taps; a row of the plane
// is then one contiguous run of width x channels floats, and each tap is one vectorizable pass over it at an offset
// of kc x channels.

// One image's padded plane: rows [0, outHeight + fh - 1), columns [0, outWidth + fw - 1) x channels.
struct Plane {
  int rows, row;  // rows, floats per row
  std::vector<float>& data;
};

Plane padded(const PoolShape& s, const float* image, float fill, std::vector<float>& buf) {
  const int C = s.channels, rows = s.outHeight + s.filterHeight - 1, cols = s.outWidth + s.filterWidth - 1, row = cols * C;
  buf.assign(static_cast<size_t>(rows) * row, fill);
  for (int pr = 0; pr < rows; pr++) {
    const int r = pr - s.padTop;
    if (r < 0 || r >= s.inHeight) continue;
    const int c0 = std::max(0, s.padLeft) , c1 = std::min(cols, s.inWidth + s.padLeft);
    if (c1 > c0) std::copy(image + (static_cast<size_t>(r) * s.inWidth + (c0 - s.padLeft)) * C, image + (static_cast<size_t>(r) * s.inWidth + (c1 - s.padLeft)) * C, buf.data() + static_cast<size_t>(pr) * row + static_cast<size_t>(c0) * C);
  }
  return {rows, row, buf};
}

// Pixels of the window of output o along one axis that lie in the image.
inline int inImage(int o, int pad, int filter, int size) {
  int lo, hi;
  window(o, 1, pad, filter, size, lo, hi);
  return std::max(0, hi - lo);
}

// acc[j] += d[j] where output j's winning tap is k, else += +0 (which leaves a sum begun at +0 unchanged); the
// select is a bit mask so that the loop vectorizes.
void gatherWon(double* __restrict acc, const int* __restrict t, const float* __restrict d, int k, int from, int to) {
  for (int j = from; j < to; j++) {
    std::uint32_t bits;
    std::memcpy(&bits, d + j, sizeof bits);
    bits &= -static_cast<std::uint32_t>(t[j] == k);
    float won;
    std::memcpy(&won, &bits, sizeof won);
    acc[j] += static_cast<double>(won);
  }
}

bool strideOne(const PoolShape& s) { return s.strideHeight == 1 && s.strideWidth == 1; }

size_t work(const PoolShape& s) { return static_cast<size_t>(s.batch) * s.inHeight * s.inWidth * s.channels * 9; }

void maxPool1(const PoolShape& s, const float* x, float* y) {
  const int C = s.channels, width = s.outWidth * C;
#pragma omp parallel for schedule(static) if (work(s) >= kParallelFrom)
  for (int n = 0; n < s.batch; n++) {
    thread_local std::vector<float> buf, across;
    const Plane p = padded(s, x + static_cast<size_t>(n) * s.inHeight * s.inWidth * C, -std::numeric_limits<float>::infinity(), buf);
    // maximum across each row's window, then down the column of row maxima (the same comparisons, regrouped)
    across.resize(static_cast<size_t>(p.rows) * width);
    for (int pr = 0; pr < p.rows; pr++) {
      const float* in = p.data.data() + static_cast<size_t>(pr) * p.row;
      float* out = across.data() + static_cast<size_t>(pr) * width;
      std::copy(in, in + width, out);
      for (int kc = 1; kc < s.filterWidth; kc++)
        for (int j = 0; j < width; j++) out[j] = in[j + kc * C] > out[j] ? in[j + kc * C] : out[j];
    }
    float* image = y + static_cast<size_t>(n) * s.outHeight * width;
    for (int oy = 0; oy < s.outHeight; oy++) {
      float* out = image + static_cast<size_t>(oy) * width;
      std::copy(across.data() + static_cast<size_t>(oy) * width, across.data() + static_cast<size_t>(oy + 1) * width, out);
      for (int kr = 1; kr < s.filterHeight; kr++) {
        const float* in = across.data() + static_cast<size_t>(oy + kr) * width;
        for (int j = 0; j < width; j++) out[j] = in[j] > out[j] ? in[j] : out[j];
      }
    }
  }
}

void avgPool1(const PoolShape& s, const float* x, float* y) {
  const int C = s.channels, width = s.outWidth * C;
#pragma omp parallel for schedule(static) if (work(s) >= kParallelFrom)
  for (int n = 0; n < s.batch; n++) {
    thread_local std::vector<float> buf;
    thread_local std::vector<double> across, acc;
    const Plane p = padded(s, x + static_cast<size_t>(n) * s.inHeight * s.inWidth * C, 0.0f, buf);
    across.resize(static_cast<size_t>(p.rows) * width);
    for (int pr = 0; pr < p.rows; pr++) {
      const float* in = p.data.data() + static_cast<size_t>(pr) * p.row;
      double* out = across.data() + static_cast<size_t>(pr) * width;
      // sums begin at +0, as the TypeScript kernel's do (an all -0 window averages to +0)
      std::fill(out, out + width, 0.0);
      for (int kc = 0; kc < s.filterWidth; kc++)
        for (int j = 0; j < width; j++) out[j] += in[j + kc * C];
    }
    acc.resize(width);
    float* image = y + static_cast<size_t>(n) * s.outHeight * width;
    for (int oy = 0; oy < s.outHeight; oy++) {
      std::copy(across.data() + static_cast<size_t>(oy) * width, across.data() + static_cast<size_t>(oy + 1) * width, acc.data());
      for (int kr = 1; kr < s.filterHeight; kr++) {
        const double* in = across.data() + static_cast<size_t>(oy + kr) * width;
        for (int j = 0; j < width; j++) acc[j] += in[j];
      }
      const int rows = inImage(oy, s.padTop, s.filterHeight, s.inHeight);
      float* out = image + static_cast<size_t>(oy) * width;
      for (int ox = 0; ox < s.outWidth; ox++) {
        const int count = rows * inImage(ox, s.padLeft, s.filterWidth, s.inWidth);
        for (int d = 0; d < C; d++) out[ox * C + d] = static_cast<float>(acc[ox * C + d] / count);
      }
    }
  }
}

// The windows covering input row r, in the order the windows are scanned (oy, then ox, rising), each as
// f(tap, oy, shift, from, to): outputs ox = c + shift of row oy cover input columns c in [from, to).
template <typename F>
void forCoveringWindows(const PoolShape& s, int r, F f) {
  for (int kr = s.filterHeight - 1; kr >= 0; kr--) {
    const int oy = r + s.padTop - kr;
    if (oy < 0 || oy >= s.outHeight) continue;
    for (int kc = s.filterWidth - 1; kc >= 0; kc--) {
      const int shift = s.padLeft - kc;
      const int c0 = std::max(0, -shift), c1 = std::min(s.inWidth, s.outWidth - shift);
      if (c1 > c0) f(kr * s.filterWidth + kc, oy, shift, c0, c1);
    }
  }
}

void maxPoolGrad1(const PoolShape& s, const float* x, const float* dy, float* dx) {
  const int C = s.channels, width = s.outWidth * C, rowIn = s.inWidth * C;
#pragma omp parallel for schedule(static) if (work(s) >= kParallelFrom)
  for (int n = 0; n < s.batch; n++) {
    thread_local std::vector<float> buf, best;
    thread_local std::vector<int> tap;
    thread_local std::vector<double> acc;
    const Plane p = padded(s, x + static_cast<size_t>(n) * s.inHeight * s.inWidth * C, -std::numeric_limits<float>::infinity(), buf);
    // the winning tap (kr * fw + kc) of every output, first strict maximum in row-major tap order; -1 when none
    tap.assign(static_cast<size_t>(s.outHeight) * width, -1);
    best.resize(width);
    for (int oy = 0; oy < s.outHeight; oy++) {
      int* t = tap.data() + static_cast<size_t>(oy) * width;
      std::fill(best.begin(), best.end(), -std::numeric_limits<float>::infinity());
      for (int kr = 0; kr < s.filterHeight; kr++)
        for (int kc = 0; kc < s.filterWidth; kc++) {
          const float* in = p.data.data() + static_cast<size_t>(oy + kr) * p.row + kc * C;
          const int k = kr * s.filterWidth + kc;
          for (int j = 0; j < width; j++) {
            const bool wins = in[j] > best[j];
            best[j] = wins ? in[j] : best[j];
            t[j] = wins ? k : t[j];
          }
        }
    }
    // each input pixel gathers the dy of the windows it won, in the order the windows are scanned (oy, ox rising)
    const float* g = dy + static_cast<size_t>(n) * s.outHeight * width;
    float* image = dx + static_cast<size_t>(n) * s.inHeight * rowIn;
    acc.resize(rowIn);
    for (int r = 0; r < s.inHeight; r++) {
      std::fill(acc.begin(), acc.end(), 0.0);
      forCoveringWindows(s, r, [&](int k, int oy, int shift, int c0, int c1) {
        const size_t at = static_cast<size_t>(oy) * width + shift * C;
        gatherWon(acc.data(), tap.data() + at, g + at, k, c0 * C, c1 * C);
      });
      float* out = image + static_cast<size_t>(r) * rowIn;
      for (int j = 0; j < rowIn; j++) out[j] = static_cast<float>(acc[j]);
    }
  }
}

void avgPoolGrad1(const PoolShape& s, const float* dy, float* dx) {
  const int C = s.channels, width = s.outWidth * C, rowIn = s.inWidth * C;
#pragma omp parallel for schedule(static) if (work(s) >= kParallelFrom)
  for (int n = 0; n < s.batch; n++) {
    thread_local std::vector<double> scaled, acc;
    // each window's dy over its count, then every input pixel sums the windows that cover it
    scaled.resize(static_cast<size_t>(s.outHeight) * width);
    const float* g = dy + static_cast<size_t>(n) * s.outHeight * width;
    for (int oy = 0; oy < s.outHeight; oy++) {
      const int rows = inImage(oy, s.padTop, s.filterHeight, s.inHeight);
      for (int ox = 0; ox < s.outWidth; ox++) {
        const int count = rows * inImage(ox, s.padLeft, s.filterWidth, s.inWidth);
        const double scale = count > 0 ? 1.0 / count : 0.0;
        for (int d = 0; d < C; d++) scaled[static_cast<size_t>(oy) * width + ox * C + d] = g[static_cast<size_t>(oy) * width + ox * C + d] * scale;
      }
    }
    float* image = dx + static_cast<size_t>(n) * s.inHeight * rowIn;
    acc.resize(rowIn);
    for (int r = 0; r < s.inHeight; r++) {
      std::fill(acc.begin(), acc.end(), 0.0);
      forCoveringWindows(s, r, [&](int, int oy, int shift, int c0, int c1) {
        const double* d = scaled.data() + static_cast<size_t>(oy) * width + shift * C;
        for (int j = c0 * C; j < c1 * C; j++) acc[j] += d[j];
      });
      float* out = image + static_cast<size_t>(r) * rowIn;
      for (int j = 0; j < rowIn; j++) out[j] = static_cast<float>(acc[j]);
    }
  }
}

// A strided pool is the stride-1 pool on the same windows read at every stride-th output (the reduction cells'
// pools, fewer calls): the extra outputs cost less than giving up the contiguous vector passes.
PoolShape strideOneOf(const PoolShape& s) {
  PoolShape one = s;
  one.outHeight = (s.outHeight - 1) * s.strideHeight + 1;
  one.outWidth = (s.outWidth - 1) * s.strideWidth + 1;
  one.strideHeight = one.strideWidth = 1;
  return one;
}

// Every stride-th output of the stride-1 result (forward), or dy spread onto the stride-1 grid, zeros between.
void subsample(const PoolShape& s, const PoolShape& one, const float* full, float* y) {
  const int C = s.channels;
  for (int n = 0; n < s.batch; n++)
    for (int oy = 0; oy < s.outHeight; oy++)
      for (int ox = 0; ox < s.outWidth; ox++) {
        const float* from = full + ((static_cast<size_t>(n) * one.outHeight + oy * s.strideHeight) * one.outWidth + ox * s.strideWidth) * C;
        std::copy(from, from + C, y + ((static_cast<size_t>(n) * s.outHeight + oy) * s.outWidth + ox) * C);
      }
}

std::vector<float> upsample(const PoolShape& s, const PoolShape& one, const float* dy) {
  const int C = s.channels;
  std::vector<float> full(static_cast<size_t>(s.batch) * one.outHeight * one.outWidth * C, 0.0f);
  for (int n = 0; n < s.batch; n++)
    for (int oy = 0; oy < s.outHeight; oy++)
      for (int ox = 0; ox < s.outWidth; ox++) {
        const float* from = dy + ((static_cast<size_t>(n) * s.outHeight + oy) * s.outWidth + ox) * C;
        std::copy(from, from + C, full.data() + ((static_cast<size_t>(n) * one.outHeight + oy * s.strideHeight) * one.outWidth + ox * s.strideWidth) * C);
      }
  return full;
}

template <typename Pool>
void forward(const PoolShape& s, const float* x, float* y, Pool pool) {
  if (strideOne(s)) return pool(s, x, y);
  const PoolShape one = strideOneOf(s);
  std::vector<float> full(static_cast<size_t>(one.batch) * one.outHeight * one.outWidth * one.channels);
  pool(one, x, full.data());
  subsample(s, one, full.data(), y);
}

}  // namespace

void maxPool(const PoolShape& s, const float* x, float* y) { forward(s, x, y, maxPool1); }
void avgPool(const PoolShape& s, const float* x, float* y) { forward(s, x, y, avgPool1); }

void maxPoolGrad(const PoolShape& s, const float* x, const float* dy, float* dx) {
  if (strideOne(s)) return maxPoolGrad1(s, x, dy, dx);
  const PoolShape one = strideOneOf(s);
  maxPoolGrad1(one, x, upsample(s, one, dy).data(), dx);
}

void avgPoolGrad(const PoolShape& s, const float* dy, float* dx) {
  if (strideOne(s)) return avgPoolGrad1(s, dy, dx);
  const PoolShape one = strideOneOf(s);
  avgPoolGrad1(one, upsample(s, one, dy).data(), dx);
}

}  // namespace cpunative
