#include "approx_host.h"

#include "parallel.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <vector>

namespace cpunative {
namespace {

// f32.ts's flushSubnormal (also turns -0 into +0, as the TypeScript comparison does).
inline float flush(float v) { return v < FLT_MIN && v > -FLT_MIN ? 0.0f : v; }

}  // namespace

void dequantizeRow(int n, const int32_t* __restrict acc, const float* __restrict sums, const float* __restrict accScale, const float* __restrict sumXScale,
                   const float* __restrict constant, float* __restrict out) {
  // flush() as a select on |v| (no branch), so that the loop vectorizes
  const auto flushed = [](float v) { return std::fabs(v) < FLT_MIN ? 0.0f : v; };
  for (int j = 0; j < n; j++) {
    const float a = flushed(accScale[j] * static_cast<float>(acc[j]));
    const float b = flushed(sumXScale[j] * sums[j]);
    out[j] = flushed(flushed(a + b) + constant[j]);
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

namespace {

// Codes of values[from, to): see quantize(). The eight steps are written out so that the loop vectorizes.
void codes(const float* __restrict values, const double* __restrict t, uint8_t* __restrict out, size_t from, size_t to) {
  for (size_t i = from; i < to; i++) {
    // subnormals to zero (a zero's sign compares alike) by a factor rather than a branch, which would stop vectorizing
    const float v = values[i];
    const double d = v * static_cast<float>(std::fabs(v) >= FLT_MIN);
    int q = (d >= t[128]) * 128;
    q += (d >= t[q + 64]) * 64;
    q += (d >= t[q + 32]) * 32;
    q += (d >= t[q + 16]) * 16;
    q += (d >= t[q + 8]) * 8;
    q += (d >= t[q + 4]) * 4;
    q += (d >= t[q + 2]) * 2;
    q += (d >= t[q + 1]) * 1;
    out[i] = static_cast<uint8_t>(q);
  }
}

// The same codes from an estimate: the thresholds are evenly spaced up to rounding (libs/quantization's
// thresholdTable), so e = (d - t[1]) * inverse + 1 lands within one of the code; with q = e clamped to [1, 254] the
// code is q - 1 + [t[q] <= d] + [t[q + 1] <= d] wherever t[q - 1] <= d < t[q + 2] (t[0] = -inf holds every value and
// NaN, t[256] = NaN none). The thresholds are binary32 values, so the comparisons run in float, 16 lanes a gather,
// four gathers instead of eight. False when some value missed its window (the caller then takes codes()).
bool estimatedCodes(const float* __restrict values, const float* __restrict t, float inverse, uint8_t* __restrict out, size_t from, size_t to) {
  int missed = 0;
  for (size_t i = from; i < to; i++) {
    const float v = values[i];
    const float d = v * static_cast<float>(std::fabs(v) >= FLT_MIN);
    const float e = (d - t[1]) * inverse + 1.0f;
    // NaN compares false on both sides: q = 1, and code 0 below
    const int q = e >= 2.0f ? (e < 254.0f ? static_cast<int>(e) : 254) : 1;
    const int code = q - 1 + (d >= t[q]) + (d >= t[q + 1]);
    missed |= (q > 1 && !(d >= t[q - 1])) | (d >= t[q + 2]);
    out[i] = static_cast<uint8_t>(code);
  }
  return missed == 0;
}

}  // namespace

void quantize(size_t n, const float* values, const double* t, uint8_t* out) {
  // The code is the count of thresholds t[1..255] at or below the value (t non-decreasing, libs/quantization's
  // thresholdTable): an eight-step binary search, branch-free so that it runs as vector gathers. NaN passes no
  // threshold (code 0), as the TypeScript coder's comparisons do.
  constexpr size_t block = 4096;
  const size_t blocks = (n + block - 1) / block;
  // the estimate needs binary32 thresholds (thresholdTable's are) spread over a finite positive span
  float tf[257];
  bool binary32 = true;
  for (int k = 0; k < 257; k++) {
    tf[k] = static_cast<float>(t[k]);
    binary32 = binary32 && (static_cast<double>(tf[k]) == t[k] || (std::isnan(t[k]) && std::isnan(tf[k])));
  }
  const float span = tf[255] - tf[1];
  const float inverse = binary32 && span > 0 && std::isfinite(span) ? 254.0f / span : 0.0f;
#pragma omp parallel for schedule(static) if (n >= kParallelFrom)
  for (size_t b = 0; b < blocks; b++) {
    const size_t from = b * block, to = std::min(n, (b + 1) * block);
    if (inverse == 0.0f || !std::isfinite(inverse) || !estimatedCodes(values, tf, inverse, out, from, to)) codes(values, t, out, from, to);
  }
}

namespace {

// min and max of values[from, to) skipping NaN (a NaN compares false), sixteen lanes apart so that the loop vectorizes
void rangeOfBlock(const float* __restrict v, size_t from, size_t to, float& lo, float& hi) {
  float l[16], h[16];
  for (int j = 0; j < 16; j++) l[j] = INFINITY, h[j] = -INFINITY;
  size_t i = from;
  for (; i + 16 <= to; i += 16)
    for (int j = 0; j < 16; j++) {
      const float x = v[i + j];
      l[j] = x < l[j] ? x : l[j];
      h[j] = x > h[j] ? x : h[j];
    }
  for (; i < to; i++) {
    l[0] = v[i] < l[0] ? v[i] : l[0];
    h[0] = v[i] > h[0] ? v[i] : h[0];
  }
  for (int j = 0; j < 16; j++) {
    lo = l[j] < lo ? l[j] : lo;
    hi = h[j] > hi ? h[j] : hi;
  }
}

}  // namespace

void valueRange(size_t n, const float* values, float* out) {
  constexpr size_t block = 1 << 14;
  const size_t blocks = (n + block - 1) / block;
  std::vector<float> lo(blocks, INFINITY), hi(blocks, -INFINITY);
#pragma omp parallel for schedule(static) if (n >= 4 * kParallelFrom)
  for (size_t b = 0; b < blocks; b++) rangeOfBlock(values, b * block, std::min(n, (b + 1) * block), lo[b], hi[b]);
  float mn = INFINITY, mx = -INFINITY;
  for (size_t b = 0; b < blocks; b++) {
    mn = lo[b] < mn ? lo[b] : mn;
    mx = hi[b] > mx ? hi[b] : mx;
  }
  // a zero end takes the sign of the first zero (the lanes above may have met a later one first)
  const auto firstZero = [&]() {
    for (size_t i = 0; i < n; i++)
      if (values[i] == 0.0f) return values[i];
    return 0.0f;
  };
  if (mn == 0.0f) mn = firstZero();
  if (mx == 0.0f) mx = mn == 0.0f ? mn : firstZero();
  out[0] = mn;
  out[1] = mx;
}

}  // namespace cpunative
