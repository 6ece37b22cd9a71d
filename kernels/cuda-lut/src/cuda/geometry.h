// Host/device-neutral descriptions shared by the kernels, the host API, the addon and the benchmark.
#pragma once
#include <cstdint>

namespace cudalut {

// Mirrors ConvGeometry of @approx-darts/approx-conv (contracts.md); `kind` is implied by the entry point.
// Layouts: x NHWC; conv2d filter HWIO [fh,fw,inC,outC]; depthwise filter [fh,fw,inC,mult] with output
// channel c*mult+m. Both filters therefore read as a [K][outC] matrix, K = fh*fw*inC (conv2d) or fh*fw.
struct Geometry {
  int batch, inHeight, inWidth, inChannels;
  int filterHeight, filterWidth, outChannels;
  int strideHeight, strideWidth, dilationHeight, dilationWidth;
  int padTop, padLeft, outHeight, outWidth;
};

// Where table entry (a = activation code, b = weight code) lives in shared memory; see table_layout.cuh
// for why this matters (bank conflicts) and what each choice costs.
enum class TableLayout : int { ActivationMajor = 0, WeightMajor = 1, XorSwizzled = 2 };

// Lut: products from the 256x256 table. Exact: q_x * q_w, the same kernel without the table (the twin
// used to price the lookups; with mul8u_1JFF both give identical sums).
struct Variant {
  TableLayout layout = TableLayout::ActivationMajor;
  bool exact = false;
};

// Quantization parameters of one tensor or one weight channel: v ~ lo + scale * q, q the count of thresholds
// lo + (k - 0.5) * scale that v reaches (libs/quantization/SPEC.md; quantize.cuh computes them).
struct QuantParams {
  float scale;
  float lo;
};

}  // namespace cudalut
