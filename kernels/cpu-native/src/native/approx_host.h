// The float32 ends of the approximate convolution on host memory (libs/kernels/src/approx-conv-host.ts),
// around the LUT accumulation: the dequantization of libs/quantization/SPEC.md step 7 and the decoded, padded input
// the straight-through gradient reads. Both in binary32 with subnormals flushed, operation by operation as
// libs/quantization's f32.ts does, so the results are bit for bit the TypeScript ones.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cpunative {

// out[p * oc + co] = ((accScale[co] * A + sumXScale[co] * Qx) + constant[co]); Qx = sums[p] (conv2d, inChannels 0) or
// sums[p * inChannels + co / mult] (depthwise).
void dequantize(size_t positions, int outChannels, int inChannels, int mult, const int32_t* acc, const int32_t* sums, const float* accScale,
                const float* sumXScale, const float* constant, float* out);

// out (batch, paddedH, paddedW, C) = fill, with codes decoded through table[256] placed at (padTop, padLeft).
void decodePadded(int batch, int height, int width, int channels, int padTop, int padLeft, int paddedHeight, int paddedWidth, const uint8_t* codes,
                  const float* table, float fill, float* out);

// libs/quantization's codeIn over a threshold table t[0..256] (t[0] = -inf, t[256] = NaN): an estimate from the
// reciprocal, corrected by comparisons, so the code is decided by the binary32 thresholds alone.
void quantize(size_t n, const float* values, const double* thresholds, double origin, double inverse, uint8_t* out);

}  // namespace cpunative
