// Host API over the kernels: validation, device memory, and the two entry points (integer accumulation
// on codes, fused float convolution) on device pointers. Shared by the Node addon and the benchmark.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../cuda/geometry.h"

namespace cudalut {

enum class Kind { Conv2d, Depthwise };

// Never throws: devices = 0 with the CUDA error text when there is no usable device or driver.
struct DeviceStatus {
  int devices;
  std::string detail;  // device 0's name and compute capability, or "no CUDA device: <CUDA error>"
};
DeviceStatus deviceStatus();

// Element counts the geometry implies; validateGeometry throws std::invalid_argument naming the problem.
struct Sizes {
  size_t x, w, out, K;
};
Sizes sizesOf(const Geometry& g, Kind kind);
void validateGeometry(const Geometry& g, Kind kind);

void* deviceAlloc(size_t bytes);
void deviceFree(void* p) noexcept;
void upload(void* dst, const void* src, size_t bytes);
void download(void* dst, const void* src, size_t bytes);
void synchronize();

// SUM over the window of table[qx*256 + qw] (AccumulateFn of contracts.md), all pointers on the device.
void accumulate(const Geometry& g, Kind kind, const uint8_t* x, const uint8_t* w, int padCode, const uint16_t* table,
                int32_t* out, Variant v);

struct FusedQuant {
  bool symmetric = false;
  bool perChannelWeights = false;
  bool hasInputRange = false;
  float inputRange[2] = {0.0f, 0.0f};  // recorded {min, max} of x (evaluation); else from the batch
  std::vector<float> weightRange;      // empty: from the weights; else {min,max} x (1 or outC)
};

// Quantize (ranges given or reduced on the device), accumulate, dequantize: float NHWC in and out.
void fused(const Geometry& g, Kind kind, const float* x, const float* w, const uint16_t* table, float* y,
           const FusedQuant& q, Variant v);

}  // namespace cudalut
