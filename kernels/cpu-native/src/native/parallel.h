// When a loop of the native kernels is split over threads.
#pragma once

#include <cstddef>

namespace cpunative {

// Loops split over threads from 16k elements (tens of microseconds of work; dnnl_conv.cc sizes the convolutions'
// threads alike): below it, waking a thread and the barrier cost about what they save.
constexpr size_t kParallelFrom = 1 << 14;

}  // namespace cpunative
