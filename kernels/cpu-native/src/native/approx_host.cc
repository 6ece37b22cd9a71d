#include "approx_host.h"

#include "parallel.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

namespace cpunative {
namespace {

// f32.ts's flushSubnormal (also turns -0 into +0, as the TypeScript comparison does).
inline float flush(float v) { return v < FLT_MIN && v > -FLT_MIN ? 0.0f : v; }

}  // namespace

void dequantize(size_t positions, int outChannels, int inChannels, int mult, const int32_t* acc, const int32_t* sums, const float* accScale,
                const float* sumXScale, const float* constant, float* out) {
  // window sums per position (conv2d: inChannels 0) or per input channel, whose `mult` outputs share it (depthwise)
  const int groups = inChannels == 0 ? 1 : inChannels, perGroup = inChannels == 0 ? outChannels : mult;
#pragma omp parallel for schedule(static) if (positions * outChannels >= kParallelFrom)
  for (size_t p = 0; p < positions; p++)
    for (int c = 0; c < groups; c++) {
      const float sx = static_cast<float>(sums[p * (inChannels == 0 ? 1 : inChannels) + c]);
      for (int co = c * perGroup; co < (c + 1) * perGroup; co++) {
        const size_t i = p * outChannels + co;
        const float a = flush(accScale[co] * static_cast<float>(acc[i]));
        const float b = flush(sumXScale[co] * sx);
        out[i] = flush(flush(a + b) + constant[co]);
      }
    }
}

void decodePadded(int batch, int height, int width, int channels, int padTop, int padLeft, int paddedHeight, int paddedWidth, const uint8_t* codes,
                  const float* table, float fill, float* out) {
  const size_t row = static_cast<size_t>(width) * channels;
#pragma omp parallel for schedule(static) if (static_cast<size_t>(batch) * height * row >= kParallelFrom)
  for (int n = 0; n < batch; n++) {
    float* image = out + static_cast<size_t>(n) * paddedHeight * paddedWidth * channels;
    std::fill(image, image + static_cast<size_t>(paddedHeight) * paddedWidth * channels, fill);
    for (int h = 0; h < height; h++) {
      const uint8_t* from = codes + (static_cast<size_t>(n) * height + h) * row;
      float* to = image + (static_cast<size_t>(h + padTop) * paddedWidth + padLeft) * channels;
      for (size_t i = 0; i < row; i++) to[i] = table[from[i]];
    }
  }
}

void quantize(size_t n, const float* values, const double* t, double origin, double inverse, uint8_t* out) {
#pragma omp parallel for schedule(static) if (n >= kParallelFrom)
  for (size_t i = 0; i < n; i++) {
    float v = values[i];
    if (v < FLT_MIN && v > -FLT_MIN) v = 0.0f;
    const double estimate = std::floor((static_cast<double>(v) - origin) * inverse + 0.5);
    int q = estimate >= 0 ? (estimate <= 255 ? static_cast<int>(estimate) : 255) : 0;  // NaN -> 0
    while (v >= t[q + 1]) q++;
    while (v < t[q]) q--;
    out[i] = static_cast<uint8_t>(q);
  }
}

}  // namespace cpunative
