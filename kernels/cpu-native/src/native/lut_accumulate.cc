#include "lut_accumulate.h"

#include "parallel.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace cpunative {

void lutAccumulate(const LutShape& g, const uint8_t* x, const uint8_t* w, int padCode, const uint16_t* table, int32_t* acc, int32_t* sums) {
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
  // split by output rows (parallel.h says from when)
  const double lookups = static_cast<double>(rows) * g.outWidth * taps * (g.depthwise ? co : static_cast<double>(ci) * co);
#pragma omp parallel for schedule(static) if (lookups >= kParallelFrom)
  for (int r = 0; r < rows; r++) {
    const int n = r / g.outHeight, oh = r % g.outHeight;
    for (int ow = 0; ow < g.outWidth; ow++) {
      const size_t pos = static_cast<size_t>(r) * g.outWidth + ow;
      int32_t* a = acc + pos * co;
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
            const uint16_t* t = table + (q << 8);
            for (int k = 0; k < co; k++) a[k] += t[ws[k]];
          }
        }
        sums[pos] = sum;
      } else {
        int32_t* s = sums + pos * ci;
        std::memset(s, 0, sizeof(int32_t) * ci);
        for (int tap = 0; tap < taps; tap++) {
          const int kh = tap / g.filterWidth, kw = tap % g.filterWidth;
          const uint8_t* xs = xp + ((static_cast<size_t>(n) * hp + oh * g.strideHeight + kh * g.dilationHeight) * wp + ow * g.strideWidth + kw * g.dilationWidth) * ci;
          const uint8_t* ws = w + static_cast<size_t>(tap) * co;
          if (mult == 1) {
            // the search network's case: one output per channel, no inner multiplier loop
            for (int c = 0; c < ci; c++) {
              const int q = xs[c];
              s[c] += q;
              a[c] += table[(q << 8) | ws[c]];
            }
            continue;
          }
          for (int c = 0; c < ci; c++) {
            const int q = xs[c];
            s[c] += q;
            const uint16_t* t = table + (q << 8);
            for (int m = c * mult; m < (c + 1) * mult; m++) a[m] += t[ws[m]];
          }
        }
      }
    }
  }
}

}  // namespace cpunative
