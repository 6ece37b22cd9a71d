// Kernel launchers, one per .cu file. Pointers are device pointers; launches go on `stream` and are
// checked with cudaGetLastError (asynchronous faults surface at the next synchronising call).
#pragma once
#include <cuda_runtime.h>
#include "geometry.h"

namespace cudalut {

struct ConvArgs {
  Geometry g;
  const void* x;                 // fused: float NHWC; accumulate: uint8 codes
  const void* w;                 // fused: float [K][outC]; accumulate: uint8 codes
  const unsigned short* table;   // 65536 entries, index a*256+b; unused by the exact twin
  void* out;                     // fused: float NHWC; accumulate: int32 sums of table products
  int padCode;                   // accumulate: code read at positions outside the image
  // fused only, produced on the device by launchQuantPrep (no host round trip between the steps):
  const QuantParams* xParams;    // [1]
  const int* xPadCode;           // [1] = quantize(0.0)
  const QuantParams* wParams;    // [outC]
  const int* wSums;              // [outC] sum over the window of the weight codes
};

void launchConv2d(const ConvArgs& a, Variant v, bool fused, cudaStream_t stream);
void launchDepthwise(const ConvArgs& a, Variant v, bool fused, cudaStream_t stream);

// Per-column min/max of a row-major [rows][cols] float matrix (cols = 1: the whole tensor) as ordered
// keys: keys[0..cols) minima, keys[cols..2cols) maxima. Initialises the keys itself (memset on stream).
void launchRangeReduce(const float* data, long long rows, int cols, unsigned* keys, cudaStream_t stream);

struct PrepArgs {
  const unsigned* xKeys;         // [2] ordered keys from launchRangeReduce, or null: use xRange
  const float* xRange;           // [2] given {min, max}, or null
  const unsigned* wKeys;         // [2*wCols] keys, or null: use wRange
  const float* wRange;           // [2*wCols] given {min, max} pairs, or null
  int wCols;                     // 1 (per tensor) or outC (per output channel)
  int symmetric;                 // symmetric: min = -max|v|
  const float* w;                // [K][outC]
  int K, outC;
  QuantParams* xParams; int* xPadCode; QuantParams* wParams; int* wSums;
};
void launchQuantPrep(const PrepArgs& a, cudaStream_t stream);

}  // namespace cudalut
