// The float32 ends of the approximate convolution on host memory (libs/kernels/src/approx-conv-host.ts),
// around the LUT accumulation: the dequantization of libs/quantization/SPEC.md step 7 and the decoded, padded input
// the straight-through gradient reads. Both in binary32 with subnormals flushed, operation by operation as
// libs/quantization's f32.ts does, so the results are bit for bit the TypeScript ones.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cpunative {

// One row of the dequantization (libs/quantization/SPEC.md step 7), every factor given per element:
// out[j] = (accScale[j] * acc[j] + sumXScale[j] * sums[j]) + constant[j], in binary32 with subnormals flushed.
// lut_accumulate.cc's lutConvolve tiles the per-channel factors and window sums along each output row it accumulates.
void dequantizeRow(int n, const int32_t* acc, const float* sums, const float* accScale, const float* sumXScale, const float* constant, float* out);

// out (batch, paddedH, paddedW, C) = fill, with codes decoded through table[256] placed at (padTop, padLeft).
void decodePadded(int batch, int height, int width, int channels, int padTop, int padLeft, int paddedHeight, int paddedWidth, const uint8_t* codes,
                  const float* table, float fill, float* out);

// libs/quantization's codeIn over a threshold table t[0..256] (t[0] = -inf, t[256] = NaN): the count of thresholds
// at or below each value, so the code is decided by the binary32 thresholds alone.
void quantize(size_t n, const float* values, const double* thresholds, uint8_t* out);

// libs/quantization's rangeOf before its last step: out[0] the least and out[1] the greatest non-NaN value
// (+inf / -inf when there is none). Where an end is a zero it is the first zero in index order, as the TypeScript loop
// (strict comparisons, -0 == +0) keeps it, so that even its sign matches.
void valueRange(size_t n, const float* values, float* out);

}  // namespace cpunative
