// When a loop of the native kernels is split over threads.
#pragma once

#include <cstddef>

namespace cpunative {

// Loops split over threads only from about a millisecond of work (as the convolutions do, dnnl_conv.cc): below it
// waking a thread and the barrier cost more than they save, most of all on a loaded machine.
constexpr size_t kParallelFrom = 1 << 14;

}  // namespace cpunative
