// The approximate convolution's table lookups by AVX-512 VBMI byte shuffles (vpermi2b), the fast path of
// lut_accumulate.h's two entry points: same arguments, same results bit for bit. Only entered when lut_path.h says the
// CPU has VBMI; the translation unit is compiled for it with a target pragma, so the addon still loads without it.
#pragma once

#include <cstdint>

#include "lut_accumulate.h"

namespace cpunative {

void shuffleAccumulate(const LutShape& g, const uint8_t* x, const uint8_t* w, int padCode, const uint16_t* table, int32_t* acc, int32_t* sums);

void shuffleConvolve(const LutShape& g, const uint8_t* x, const uint8_t* w, int padCode, const uint16_t* table, const float* accScale, const float* sumXScale,
                     const float* constant, float* out);

}  // namespace cpunative
