#include "lut_accumulate.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "approx_host.h"
#include "lut_path.h"
#include "lut_shuffle.h"
#include "parallel.h"

namespace cpunative {
namespace {

// a[j] += table[x[j] * 256 + w[j]], s[j] += x[j]: restrict-qualified so that the compiler emits vector gathers.
void gatherAdd(int32_t* __restrict a, int32_t* __restrict s, const uint8_t* __restrict x, const uint8_t* __restrict w, const int32_t* __restrict table, int n) {
  for (int j = 0; j < n; j++) {
    const int q = x[j];
    s[j] += q;
    a[j] += table[(q << 8) | w[j]];
  }
}

// sums[j] = s[at[j]] as floats.
void gatherSums(float* __restrict sums, const int32_t* __restrict s, const int32_t* __restrict at, int n) {
  for (int j = 0; j < n; j++) sums[j] = static_cast<float>(s[at[j]]);
}

// Runs `row(r, acc, sums)` for every output row r = n * outHeight + oh, split over threads: acc holds the row's
// outWidth x outChannels accumulations, sums its window code sums (outWidth, or outWidth x inChannels depthwise).
// The caller's `place(r)` says where a row's two arrays live.
template <typename Place, typename Done>
void accumulateRows(const LutShape& g, const uint8_t* x, const uint8_t* w, int padCode, const uint16_t* table, Place place, Done done) {
  // Padding materialized once (filled with padCode) so the inner loops carry no bounds tests, as fast-accumulate.ts does.
  const int hp = std::max(g.inHeight + g.padTop, (g.outHeight - 1) * g.strideHeight + (g.filterHeight - 1) * g.dilationHeight + 1);
  const int wp = std::max(g.inWidth + g.padLeft, (g.outWidth - 1) * g.strideWidth + (g.filterWidth - 1) * g.dilationWidth + 1);
  const int ci = g.inChannels, co = g.outChannels;
  std::vector<uint8_t> padded;
  const uint8_t* xp = x;
  if (hp != g.inHeight || wp != g.inWidth) {
    padded.assign(static_cast<size_t>(g.batch) * hp * wp * ci, static_cast<uint8_t>(padCode));
    const size_t row = static_cast<size_t>(g.inWidth) * ci;
    for (int n = 0; n < g.batch; n++)
      for (int h = 0; h < g.inHeight; h++)
        std::memcpy(&padded[((static_cast<size_t>(n) * hp + h + g.padTop) * wp + g.padLeft) * ci], x + (static_cast<size_t>(n) * g.inHeight + h) * row, row);
    xp = padded.data();
  }
  const int taps = g.filterHeight * g.filterWidth;
  const int rows = g.batch * g.outHeight;
  const int mult = co / ci;
  // The table widened to 32 bits once per call (a few microseconds): the inner loops then compile to vector gathers.
  // Kept per thread between calls, so that its 256 KiB are not allocated (and faulted in) afresh each time.
  thread_local std::vector<int32_t> wide;
  wide.assign(table, table + 65536);
  const int32_t* t32 = wide.data();
  // With stride 1 a depthwise tap reads a contiguous run of (column, channel) codes: one gather-and-add pass over the
  // row against the filter tiled along it (the search network's depthwise case).
  const bool rowwise = g.depthwise && mult == 1 && g.strideWidth == 1;
  const int width = g.outWidth * co;
  std::vector<uint8_t> tiled;
  if (rowwise) {
    tiled.resize(static_cast<size_t>(taps) * width);
    for (int tap = 0; tap < taps; tap++)
      for (int ow = 0; ow < g.outWidth; ow++) std::memcpy(&tiled[static_cast<size_t>(tap) * width + ow * ci], w + static_cast<size_t>(tap) * co, ci);
  }
  const double lookups = static_cast<double>(rows) * g.outWidth * taps * (g.depthwise ? co : static_cast<double>(ci) * co);
#pragma omp parallel for schedule(static) if (lookups >= kParallelFrom)
  for (int r = 0; r < rows; r++) {
    const int n = r / g.outHeight, oh = r % g.outHeight;
    const auto [rowAcc, rowSums] = place(r);
    if (rowwise) {
      std::memset(rowAcc, 0, sizeof(int32_t) * width);
      std::memset(rowSums, 0, sizeof(int32_t) * width);
      for (int tap = 0; tap < taps; tap++) {
        const int kh = tap / g.filterWidth, kw = tap % g.filterWidth;
        const uint8_t* xs = xp + ((static_cast<size_t>(n) * hp + oh * g.strideHeight + kh * g.dilationHeight) * wp + kw * g.dilationWidth) * ci;
        gatherAdd(rowAcc, rowSums, xs, tiled.data() + static_cast<size_t>(tap) * width, t32, width);
      }
      done(r, rowAcc, rowSums);
      continue;
    }
    for (int ow = 0; ow < g.outWidth; ow++) {
      int32_t* a = rowAcc + static_cast<size_t>(ow) * co;
      std::memset(a, 0, sizeof(int32_t) * co);
      if (!g.depthwise) {
        int32_t sum = 0;
        for (int tap = 0; tap < taps; tap++) {
          const int kh = tap / g.filterWidth, kw = tap % g.filterWidth;
          const uint8_t* xs = xp + ((static_cast<size_t>(n) * hp + oh * g.strideHeight + kh * g.dilationHeight) * wp + ow * g.strideWidth + kw * g.dilationWidth) * ci;
          const uint8_t* ws = w + static_cast<size_t>(tap) * ci * co;
          for (int c = 0; c < ci; c++, ws += co) {
            const int q = xs[c];
            sum += q;
            const int32_t* t = t32 + (q << 8);
            for (int k = 0; k < co; k++) a[k] += t[ws[k]];
          }
        }
        rowSums[ow] = sum;
        continue;
      }
      int32_t* s = rowSums + static_cast<size_t>(ow) * ci;
      std::memset(s, 0, sizeof(int32_t) * ci);
      for (int tap = 0; tap < taps; tap++) {
        const int kh = tap / g.filterWidth, kw = tap % g.filterWidth;
        const uint8_t* xs = xp + ((static_cast<size_t>(n) * hp + oh * g.strideHeight + kh * g.dilationHeight) * wp + ow * g.strideWidth + kw * g.dilationWidth) * ci;
        const uint8_t* ws = w + static_cast<size_t>(tap) * co;
        for (int c = 0; c < ci; c++) {
          const int q = xs[c];
          s[c] += q;
          const int32_t* t = t32 + (q << 8);
          for (int m = c * mult; m < (c + 1) * mult; m++) a[m] += t[ws[m]];
        }
      }
    }
    done(r, rowAcc, rowSums);
  }
}

}  // namespace

void lutAccumulate(const LutShape& g, const uint8_t* x, const uint8_t* w, int padCode, const uint16_t* table, int32_t* acc, int32_t* sums) {
  if (lutPath() == LutPath::Shuffle) return shuffleAccumulate(g, x, w, padCode, table, acc, sums);
  const size_t rowAcc = static_cast<size_t>(g.outWidth) * g.outChannels, rowSums = static_cast<size_t>(g.outWidth) * (g.depthwise ? g.inChannels : 1);
  accumulateRows(
      g, x, w, padCode, table, [&](int r) { return std::pair<int32_t*, int32_t*>(acc + r * rowAcc, sums + r * rowSums); }, [](int, const int32_t*, const int32_t*) {});
}

void lutConvolve(const LutShape& g, const uint8_t* x, const uint8_t* w, int padCode, const uint16_t* table, const float* accScale, const float* sumXScale,
                 const float* constant, float* out) {
  if (lutPath() == LutPath::Shuffle) return shuffleConvolve(g, x, w, padCode, table, accScale, sumXScale, constant, out);
  const int co = g.outChannels, ci = g.inChannels, mult = co / ci, width = g.outWidth * co;
  const size_t rowSums = static_cast<size_t>(g.outWidth) * (g.depthwise ? ci : 1);
  // the per-channel factors tiled along an output row, so that a row dequantizes in one vector pass
  std::vector<float> factors(3 * static_cast<size_t>(width));
  // and which window code sum each output reads: its position's (conv2d) or its input channel's (depthwise)
  std::vector<int32_t> sumOf(width);
  for (int j = 0; j < width; j++) {
    factors[j] = accScale[j % co];
    factors[width + j] = sumXScale[j % co];
    factors[2 * width + j] = constant[j % co];
    sumOf[j] = g.depthwise ? (j / co) * ci + (j % co) / mult : j / co;
  }
  // a row's accumulations stay in this thread's buffers (cache-resident) and leave as dequantized floats
  accumulateRows(
      g, x, w, padCode, table,
      [&](int) {
        thread_local std::vector<int32_t> a, s;
        a.resize(width);
        s.resize(rowSums);
        return std::pair<int32_t*, int32_t*>(a.data(), s.data());
      },
      [&](int r, const int32_t* a, const int32_t* s) {
        thread_local std::vector<float> sums;
        sums.resize(width);
        gatherSums(sums.data(), s, sumOf.data(), width);
        dequantizeRow(width, a, sums.data(), factors.data(), factors.data() + width, factors.data() + 2 * width, out + static_cast<size_t>(r) * width);
      });
}

}  // namespace cpunative
