// The quantization specification (libs/quantization/SPEC.md) in CUDA, bit for bit what @approx-darts/quantization
// computes: ranges -> 15-bit scales, codes as threshold counts, decoding, and the fixed-order dequantization.
// Everything is __host__ __device__ so the same source also runs on the host: src/quantize-host.test.ts compiles it
// with the host compiler and compares it with the TypeScript specification, and bench/cuda compares the GPU with it.
// Host builds must not contract a*b+c (-ffp-contract=off; x86-64 without -mfma has no FMA to contract into anyway).
#pragma once
#include <cfloat>
#include <cmath>
#include <cstring>

#ifndef __CUDACC__
#define __host__
#define __device__
#define __forceinline__ inline
#endif

#include "geometry.h"

namespace cudalut {

__host__ __device__ __forceinline__ unsigned floatBits(float v) {
#ifdef __CUDA_ARCH__
  return __float_as_uint(v);
#else
  unsigned u;
  std::memcpy(&u, &v, sizeof u);
  return u;
#endif
}

__host__ __device__ __forceinline__ float bitsFloat(unsigned u) {
#ifdef __CUDA_ARCH__
  return __uint_as_float(u);
#else
  float v;
  std::memcpy(&v, &u, sizeof v);
  return v;
#endif
}

// Subnormals (and -0) read as +0, so engines that flush subnormals and engines that keep them agree (SPEC.md).
__host__ __device__ __forceinline__ float flushSubnormal(float v) { return fabsf(v) < 0x1p-126f ? 0.0f : v; }

// One binary32 operation, rounded to nearest even on its own: on the device the _rn intrinsics, which the compiler
// never contracts into a fused multiply-add.
__host__ __device__ __forceinline__ float mul32(float a, float b) {
#ifdef __CUDA_ARCH__
  return flushSubnormal(__fmul_rn(a, b));
#else
  return flushSubnormal(a * b);
#endif
}
__host__ __device__ __forceinline__ float add32(float a, float b) {
#ifdef __CUDA_ARCH__
  return flushSubnormal(__fadd_rn(a, b));
#else
  return flushSubnormal(a + b);
#endif
}
__host__ __device__ __forceinline__ float sub32(float a, float b) {
#ifdef __CUDA_ARCH__
  return flushSubnormal(__fsub_rn(a, b));
#else
  return flushSubnormal(a - b);
#endif
}
// An int32 as binary32, ties to even.
__host__ __device__ __forceinline__ float intToFloat(int n) {
#ifdef __CUDA_ARCH__
  return __int2float_rn(n);
#else
  return static_cast<float>(n);
#endif
}

constexpr float kInverse255 = 0x1.010102p-8f;  // f32(1/255), bits 0x3b808081
constexpr float kInverse127 = 0x1.020408p-7f;  // f32(1/127), bits 0x3c010204
constexpr unsigned kScaleMask = 0xfffffe00u;   // keeps 15 significant bits of a scale
constexpr float kMinScale = 0x1p-100f, kMaxScale = 0x1p+100f;

// SPEC.md steps 1-3: the range read as binary32 ([0, 0] unless lo <= hi, both finite), the scale cut to 15 significant
// bits (1 when degenerate), the origin (symmetric: -128 * scale, so 0.0 has code 128).
__host__ __device__ __forceinline__ QuantParams paramsFor(float lo, float hi, bool symmetric) {
  lo = flushSubnormal(lo);
  hi = flushSubnormal(hi);
  if (!(lo <= hi && fabsf(lo) <= FLT_MAX && fabsf(hi) <= FLT_MAX)) lo = hi = 0.0f;
  const float raw = symmetric ? mul32(fmaxf(fabsf(lo), fabsf(hi)), kInverse127) : mul32(sub32(hi, lo), kInverse255);
  float scale = bitsFloat(floatBits(raw) & kScaleMask);
  if (!(scale >= kMinScale && scale <= kMaxScale)) scale = 1.0f;
  return QuantParams{scale, symmetric ? -128.0f * scale : lo};
}

// t_k = lo + (k - 0.5) * scale: the product is exact (15-bit scale), so a fused multiply-add gives the same value.
__host__ __device__ __forceinline__ float codeThreshold(int k, QuantParams p) {
  return p.lo + (static_cast<float>(k) - 0.5f) * p.scale;
}

// SPEC.md step 4: the number of thresholds v reaches. An approximate division only estimates it; comparisons with
// the thresholds correct the estimate to the exact count. NaN -> 0.
__host__ __device__ __forceinline__ int quantizeCode(float v0, QuantParams p) {
  const float v = flushSubnormal(v0);
#ifdef __CUDA_ARCH__
  const float estimate = floorf(__fdividef(v - p.lo, p.scale) + 0.5f);
#else
  const float estimate = floorf((v - p.lo) / p.scale + 0.5f);
#endif
  int q = static_cast<int>(fminf(fmaxf(estimate, 0.0f), 255.0f));  // fmaxf(NaN, 0) is 0
  while (q < 255 && v >= codeThreshold(q + 1, p)) ++q;
  while (q > 0 && v < codeThreshold(q, p)) --q;
  return q;
}

// SPEC.md step 5: the value of a code (exact product, one rounding).
__host__ __device__ __forceinline__ float decodeCode(int q, QuantParams p) { return p.lo + static_cast<float>(q) * p.scale; }

// SPEC.md step 7, y = ((sx*sw)*A + (sx*mw)*Qx) + ((sw*mx)*Qw + (K*mx)*mw): the factors of one (activation map,
// weight channel) pair, then one output from its two window sums.
struct DequantizeTerms {
  float accScale, sumXScale, constant;
};
__host__ __device__ __forceinline__ DequantizeTerms dequantizeTerms(QuantParams x, QuantParams w, int sumW, int K) {
  return DequantizeTerms{mul32(x.scale, w.scale), mul32(x.scale, w.lo),
                         add32(mul32(mul32(w.scale, x.lo), intToFloat(sumW)), mul32(mul32(intToFloat(K), x.lo), w.lo))};
}
__host__ __device__ __forceinline__ float dequantizeWith(DequantizeTerms t, int acc, int sumX) {
  return add32(add32(mul32(t.accScale, intToFloat(acc)), mul32(t.sumXScale, intToFloat(sumX))), t.constant);
}

#ifdef __CUDACC__
// Total order on floats as unsigned keys, so atomicMin/atomicMax on u32 give float min/max.
__device__ __forceinline__ unsigned orderedKey(float f) {
  const unsigned u = __float_as_uint(f);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}
__device__ __forceinline__ float orderedValue(unsigned k) {
  return __uint_as_float((k & 0x80000000u) ? (k & 0x7fffffffu) : ~k);
}
#endif

}  // namespace cudalut
