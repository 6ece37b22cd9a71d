#include "depthwise_direct.h"

#include <omp.h>

#include <algorithm>
#include <vector>

#include "parallel.h"

namespace cpunative {
namespace {

// Output columns [lo, hi) whose tap kw reads an input column inside the image: ix = ox * sw + kw * dw - pl.
void columns(const ConvShape& s, int kw, int& lo, int& hi) {
  const int offset = kw * s.dilationWidth - s.padLeft;
  lo = offset >= 0 ? 0 : (-offset + s.strideWidth - 1) / s.strideWidth;
  hi = s.inWidth - offset <= 0 ? 0 : std::min(s.outWidth, (s.inWidth - 1 - offset) / s.strideWidth + 1);
  if (hi < lo) hi = lo;
}

// Every tap of output row oy that reads a row of the image: f(tap, iy, lo, hi, offset), output columns [lo, hi)
// reading input columns ox * strideWidth + offset of input row iy.
template <typename F>
void forTaps(const ConvShape& s, int oy, F f) {
  for (int kh = 0; kh < s.filterHeight; kh++) {
    const int iy = oy * s.strideHeight + kh * s.dilationHeight - s.padTop;
    if (iy < 0 || iy >= s.inHeight) continue;
    for (int kw = 0; kw < s.filterWidth; kw++) {
      int lo, hi;
      columns(s, kw, lo, hi);
      f(kh * s.filterWidth + kw, iy, lo, hi, kw * s.dilationWidth - s.padLeft);
    }
  }
}

size_t work(const ConvShape& s) { return static_cast<size_t>(s.batch) * s.outHeight * s.outWidth * s.outChannels * s.filterHeight * s.filterWidth; }

// The filter tiled along an output row, so that with stride 1 a tap is one multiply-add over a contiguous run of
// (column, channel) pairs whatever the channel count: tiled[tap][ox * C + c] = w[tap][c].
std::vector<float> tiledFilter(const ConvShape& s, const float* w) {
  const int C = s.inChannels, taps = s.filterHeight * s.filterWidth, row = s.outWidth * C;
  std::vector<float> tiled(static_cast<size_t>(taps) * row);
  for (int t = 0; t < taps; t++)
    for (int ox = 0; ox < s.outWidth; ox++) std::copy(w + static_cast<size_t>(t) * C, w + static_cast<size_t>(t + 1) * C, tiled.data() + static_cast<size_t>(t) * row + ox * C);
  return tiled;
}

inline void madd(float* __restrict y, const float* __restrict x, const float* __restrict w, int n) {
  for (int j = 0; j < n; j++) y[j] += x[j] * w[j];
}

void forward(const ConvShape& s, const float* x, const float* w, float* y) {
  const int C = s.inChannels, row = s.outWidth * C;
  const bool unit = s.strideWidth == 1;
  const std::vector<float> tiled = unit ? tiledFilter(s, w) : std::vector<float>();
#pragma omp parallel for schedule(static) collapse(2) if (work(s) >= kParallelFrom)
  for (int n = 0; n < s.batch; n++)
    for (int oy = 0; oy < s.outHeight; oy++) {
      float* out = y + (static_cast<size_t>(n) * s.outHeight + oy) * row;
      std::fill(out, out + row, 0.0f);
      forTaps(s, oy, [&](int tap, int iy, int lo, int hi, int offset) {
        const float* in = x + (static_cast<size_t>(n) * s.inHeight + iy) * s.inWidth * C;
        if (unit) return madd(out + lo * C, in + (lo + offset) * C, tiled.data() + static_cast<size_t>(tap) * row + lo * C, (hi - lo) * C);
        for (int ox = lo; ox < hi; ox++) madd(out + ox * C, in + (ox * s.strideWidth + offset) * C, w + static_cast<size_t>(tap) * C, C);
      });
    }
}

void backwardData(const ConvShape& s, const float* dy, const float* w, float* dx) {
  const int C = s.inChannels, row = s.outWidth * C;
  const size_t image = static_cast<size_t>(s.inHeight) * s.inWidth * C;
  const bool unit = s.strideWidth == 1;
  const std::vector<float> tiled = unit ? tiledFilter(s, w) : std::vector<float>();
  // each image's dx gathers from its own dy only, so images split over threads without sharing a sum
#pragma omp parallel for schedule(static) if (work(s) >= kParallelFrom)
  for (int n = 0; n < s.batch; n++) {
    float* d = dx + static_cast<size_t>(n) * image;
    std::fill(d, d + image, 0.0f);
    for (int oy = 0; oy < s.outHeight; oy++) {
      const float* g = dy + (static_cast<size_t>(n) * s.outHeight + oy) * row;
      forTaps(s, oy, [&](int tap, int iy, int lo, int hi, int offset) {
        float* to = d + static_cast<size_t>(iy) * s.inWidth * C;
        if (unit) return madd(to + (lo + offset) * C, g + lo * C, tiled.data() + static_cast<size_t>(tap) * row + lo * C, (hi - lo) * C);
        for (int ox = lo; ox < hi; ox++) madd(to + (ox * s.strideWidth + offset) * C, g + ox * C, w + static_cast<size_t>(tap) * C, C);
      });
    }
  }
}

void backwardWeights(const ConvShape& s, const float* x, const float* dy, float* dw) {
  const int C = s.inChannels, row = s.outWidth * C, taps = s.filterHeight * s.filterWidth;
  const bool unit = s.strideWidth == 1;
  // per thread: a row of partial sums per tap (stride 1: along the whole output row, folded to channels at the end)
  const int width = unit ? row : C;
  std::vector<std::vector<float>> partials;
#pragma omp parallel if (work(s) >= kParallelFrom)
  {
#pragma omp single
    partials.resize(omp_get_num_threads());
    std::vector<float>& acc = partials[omp_get_thread_num()];
    acc.assign(static_cast<size_t>(taps) * width, 0.0f);
#pragma omp for schedule(static)
    for (int n = 0; n < s.batch; n++)
      for (int oy = 0; oy < s.outHeight; oy++) {
        const float* g = dy + (static_cast<size_t>(n) * s.outHeight + oy) * row;
        forTaps(s, oy, [&](int tap, int iy, int lo, int hi, int offset) {
          const float* in = x + (static_cast<size_t>(n) * s.inHeight + iy) * s.inWidth * C;
          float* a = acc.data() + static_cast<size_t>(tap) * width;
          if (unit) return madd(a + lo * C, in + (lo + offset) * C, g + lo * C, (hi - lo) * C);
          for (int ox = lo; ox < hi; ox++) madd(a, in + (ox * s.strideWidth + offset) * C, g + ox * C, C);
        });
      }
  }
  std::fill(dw, dw + static_cast<size_t>(taps) * C, 0.0f);
  for (const std::vector<float>& acc : partials)
    for (int t = 0; t < taps; t++)
      for (int j = 0; j < width; j++) dw[static_cast<size_t>(t) * C + j % C] += acc[static_cast<size_t>(t) * width + j];
}

}  // namespace

void depthwiseDirect(ConvPass pass, const ConvShape& s, const float* a, const float* b, float* out) {
  switch (pass) {
    case ConvPass::Forward: return forward(s, a, b, out);
    case ConvPass::BackwardData: return backwardData(s, a, b, out);
    case ConvPass::BackwardWeights: return backwardWeights(s, a, b, out);
  }
}

}  // namespace cpunative
