// Which accumulation the approximate convolution takes: vector gathers (lut_accumulate.cc, any CPU) or byte shuffles
// (lut_shuffle.cc, AVX-512 VBMI). Chosen at run time from the CPU and APPROX_DARTS_LUT_PATH (auto | gather | shuffle),
// and settable from JavaScript so that the tests run both paths in one process.
#pragma once

#include <string>

namespace cpunative {

enum class LutPath { Gather, Shuffle };

// Whether this CPU runs lut_shuffle.cc (AVX-512 F, BW and VBMI).
bool cpuHasVbmi();

// Sets the request ("auto", "gather" or "shuffle"); throws std::invalid_argument on anything else.
void requestLutPath(const std::string& request);

// The path in force and a sentence saying why.
LutPath lutPath();
std::string lutPathReason();

}  // namespace cpunative
