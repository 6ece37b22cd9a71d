// Depthwise convolutions (one output per channel) as direct loops over NHWC arrays, for the shapes where oneDNN 2.6
// has no depthwise kernel and falls back to generic ones several times slower (dilated or 5x5 backprops, strided
// dilated ones on gemm): dnnl_conv.cc sends those here. Sums in float32, taps in row-major order.
#pragma once

#include "dnnl_conv.h"

namespace cpunative {

// The same a, b, out as convolve(); s.depthwise with outChannels == inChannels.
void depthwiseDirect(ConvPass pass, const ConvShape& s, const float* a, const float* b, float* out);

}  // namespace cpunative
