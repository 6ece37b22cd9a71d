// Convolutions of tfjs-backend-cpu's tensors on oneDNN: activations NHWC and filters HWIO (depthwise: H,W,C,M)
// described to oneDNN by their strides, so the cpu backend's own arrays are read and written in place.
#pragma once

#include <string>

namespace cpunative {

enum class ConvPass { Forward = 0, BackwardData = 1, BackwardWeights = 2 };

// tfjs's geometry (computeConv2DInfo), passed as-is: pads are explicit, dilations are tfjs's (1 = dense).
struct ConvShape {
  int batch, inHeight, inWidth, inChannels;
  int outHeight, outWidth, outChannels;
  int filterHeight, filterWidth;
  int strideHeight, strideWidth, dilationHeight, dilationWidth;
  int padTop, padLeft, padBottom, padRight;
  bool depthwise;
};

// forward: a = x, b = filter, out = y; backward data: a = dy, b = filter, out = dx;
// backward weights: a = x, b = dy, out = dfilter. Throws std::runtime_error when oneDNN rejects the shape.
void convolve(ConvPass pass, const ConvShape& s, const float* a, const float* b, float* out);

// Which oneDNN implementation runs a pass on a shape (e.g. "brg:avx512_core"), for the benchmark's notes.
std::string convImplementation(ConvPass pass, const ConvShape& s);

int threads();
void setThreads(int n);

}  // namespace cpunative
