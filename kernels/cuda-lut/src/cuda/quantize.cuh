// Device-side quantization helpers (DESIGN §3).
#pragma once
#include "geometry.h"

namespace cudalut {

// round-half-up like the TypeScript reference's Math.round (values are >= 0 after the shift, so
// floor(t + 0.5) is Math.round); NaN clamps to 0 through fmaxf.
__device__ __forceinline__ int quantizeCode(float v, QuantParams p) {
  const float t = floorf((v - p.lo) / p.scale + 0.5f);
  return static_cast<int>(fminf(fmaxf(t, 0.0f), 255.0f));
}

// Total order on floats as unsigned keys, so atomicMin/atomicMax on u32 give float min/max.
__device__ __forceinline__ unsigned orderedKey(float f) {
  const unsigned u = __float_as_uint(f);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}
__device__ __forceinline__ float orderedValue(unsigned k) {
  return __uint_as_float((k & 0x80000000u) ? (k & 0x7fffffffu) : ~k);
}

}  // namespace cudalut
