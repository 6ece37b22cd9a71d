// The integer core of the approximate convolution (libs/approx-conv/src/accumulate.ts): per output the sum over its
// window of table[qx * 256 + qw], plus the window code sums the dequantization needs. Bit-exact with
// libs/kernels/src/fast-accumulate.ts (integer sums, no rounding), split over OpenMP threads by output rows.
#pragma once

#include <cstdint>

namespace cpunative {

struct LutShape {
  int batch, inHeight, inWidth, inChannels;
  int outHeight, outWidth, outChannels;
  int filterHeight, filterWidth;
  int strideHeight, strideWidth, dilationHeight, dilationWidth;
  int padTop, padLeft;
  bool depthwise;
};

// acc: batch*outH*outW*outC; sums: batch*outH*outW (conv2d) or batch*outH*outW*inC (depthwise). Both overwritten.
void lutAccumulate(const LutShape& g, const uint8_t* x, const uint8_t* w, int padCode, const uint16_t* table, int32_t* acc, int32_t* sums);

// The accumulation and approx_host.h's dequantize in one pass (the per-channel factors as there): out is
// batch*outH*outW*outC floats, bit for bit dequantize(lutAccumulate(...)), without the integer arrays in memory.
void lutConvolve(const LutShape& g, const uint8_t* x, const uint8_t* w, int padCode, const uint16_t* table, const float* accScale, const float* sumXScale,
                 const float* constant, float* out);

}  // namespace cpunative
