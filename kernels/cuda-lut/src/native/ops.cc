// Orchestration on the host: checks, scratch memory, and the launch sequence of the fused path
// (range reduction -> parameters and weight sums -> convolution), all on the default stream so a
// caller can chain calls on device buffers without synchronising.
#include <cstring>
#include <stdexcept>
#include <string>

#include "../cuda/check.h"
#include "../cuda/launch.h"
#include "cuda_lut.h"

namespace cudalut {

DeviceStatus deviceStatus() {
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    cudaGetLastError();  // clear the sticky-free error so later probes start clean
    return {0, std::string("no CUDA device: ") + cudaGetErrorString(e)};
  }
  if (count == 0) return {0, "no CUDA device: cudaGetDeviceCount returned 0"};
  cudaDeviceProp p{};
  const cudaError_t pe = cudaGetDeviceProperties(&p, 0);
  if (pe != cudaSuccess) return {0, std::string("no CUDA device: ") + cudaGetErrorString(pe)};
  return {count, std::string(p.name) + " (compute " + std::to_string(p.major) + "." + std::to_string(p.minor) + ", " +
                     std::to_string(p.multiProcessorCount) + " SMs)"};
}

namespace {

void requireDevice() {
  const DeviceStatus s = deviceStatus();
  if (s.devices < 1) throw CudaError(s.detail);
}

[[noreturn]] void invalid(const std::string& m) { throw std::invalid_argument(m); }

}  // namespace

Sizes sizesOf(const Geometry& g, Kind kind) {
  const size_t K = static_cast<size_t>(g.filterHeight) * g.filterWidth * (kind == Kind::Conv2d ? g.inChannels : 1);
  return {static_cast<size_t>(g.batch) * g.inHeight * g.inWidth * g.inChannels,
          K * g.outChannels,
          static_cast<size_t>(g.batch) * g.outHeight * g.outWidth * g.outChannels, K};
}

void validateGeometry(const Geometry& g, Kind kind) {
  const struct { const char* name; int v; int min; } fields[] = {
      {"batch", g.batch, 1}, {"inHeight", g.inHeight, 1}, {"inWidth", g.inWidth, 1}, {"inChannels", g.inChannels, 1},
      {"filterHeight", g.filterHeight, 1}, {"filterWidth", g.filterWidth, 1}, {"outChannels", g.outChannels, 1},
      {"strideHeight", g.strideHeight, 1}, {"strideWidth", g.strideWidth, 1}, {"dilationHeight", g.dilationHeight, 1},
      {"dilationWidth", g.dilationWidth, 1}, {"padTop", g.padTop, 0}, {"padLeft", g.padLeft, 0},
      {"outHeight", g.outHeight, 1}, {"outWidth", g.outWidth, 1}};
  for (const auto& f : fields)
    if (f.v < f.min) invalid(std::string("geometry.") + f.name + " = " + std::to_string(f.v) + ", expected >= " + std::to_string(f.min));
  if (kind == Kind::Depthwise && g.outChannels % g.inChannels != 0)
    invalid("depthwise geometry: outChannels " + std::to_string(g.outChannels) + " is not a multiple of inChannels " + std::to_string(g.inChannels));
  const Sizes s = sizesOf(g, kind);
  // int32 sums of at most K products of <= 65535 stay below 2^31 for K <= 32768
  if (s.K > 32768) invalid("window of " + std::to_string(s.K) + " terms exceeds 32768: int32 sums could overflow");
  const size_t limit = size_t{1} << 31;
  if (s.x >= limit || s.w >= limit || s.out >= limit) invalid("tensor of 2^31 or more elements");
}

void* deviceAlloc(size_t bytes) {
  requireDevice();
  void* p = nullptr;
  check(cudaMalloc(&p, bytes == 0 ? 1 : bytes), "cudaMalloc");
  return p;
}
void deviceFree(void* p) noexcept { cudaFree(p); }
void upload(void* dst, const void* src, size_t bytes) { check(cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice), "cudaMemcpy(host to device)"); }
void download(void* dst, const void* src, size_t bytes) { check(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToHost), "cudaMemcpy(device to host)"); }
void synchronize() { check(cudaDeviceSynchronize(), "cudaDeviceSynchronize"); }

void accumulate(const Geometry& g, Kind kind, const uint8_t* x, const uint8_t* w, int padCode, const uint16_t* table,
                int32_t* out, Variant v) {
  validateGeometry(g, kind);
  if (padCode < 0 || padCode > 255) invalid("padCode " + std::to_string(padCode) + " is not a uint8 code");
  if (table == nullptr && !v.exact) invalid("a multiplier table is required (or the exact variant)");
  ConvArgs a{g, x, w, table, out, padCode, nullptr, nullptr, nullptr, nullptr};
  if (kind == Kind::Conv2d) launchConv2d(a, v, false, nullptr);
  else launchDepthwise(a, v, false, nullptr);
}

namespace {

// Scratch for the fused path, grown on demand and reused: calls on the one stream are ordered, so a
// later call cannot overwrite parameters an earlier kernel still reads.
struct Scratch {
  unsigned char* p = nullptr;
  size_t bytes = 0;
  unsigned char* get(size_t want) {
    if (want > bytes) {
      if (p != nullptr) check(cudaFree(p), "cudaFree(scratch)");
      p = nullptr;
      bytes = 0;
      check(cudaMalloc(reinterpret_cast<void**>(&p), want), "cudaMalloc(scratch)");
      bytes = want;
    }
    return p;
  }
};
Scratch scratch;

size_t align16(size_t n) { return (n + 15) & ~size_t{15}; }

}  // namespace

void fused(const Geometry& g, Kind kind, const float* x, const float* w, const uint16_t* table, float* y,
           const FusedQuant& q, Variant v) {
  validateGeometry(g, kind);
  if (table == nullptr && !v.exact) invalid("a multiplier table is required (or the exact variant)");
  const Sizes s = sizesOf(g, kind);
  const int outC = g.outChannels;
  const int wCols = q.perChannelWeights ? outC : 1;
  if (!q.weightRange.empty() && q.weightRange.size() != static_cast<size_t>(2 * wCols))
    invalid("weightRange has " + std::to_string(q.weightRange.size()) + " numbers, expected " + std::to_string(2 * wCols) +
            (q.perChannelWeights ? " ({min,max} per output channel)" : " ({min,max})"));

  const size_t oXKeys = 0, oWKeys = oXKeys + 16, oXRange = oWKeys + align16(8 * wCols), oWRange = oXRange + 16,
               oXParams = oWRange + align16(8 * wCols), oPad = oXParams + 16, oWParams = oPad + 16,
               oWSums = oWParams + align16(8 * outC), total = oWSums + align16(4 * outC);
  unsigned char* sp = scratch.get(total);

  PrepArgs p{};
  if (q.hasInputRange) {
    check(cudaMemcpyAsync(sp + oXRange, q.inputRange, 8, cudaMemcpyHostToDevice, nullptr), "cudaMemcpyAsync(input range)");
    p.xRange = reinterpret_cast<const float*>(sp + oXRange);
  } else {
    launchRangeReduce(x, static_cast<long long>(s.x), 1, reinterpret_cast<unsigned*>(sp + oXKeys), nullptr);
    p.xKeys = reinterpret_cast<const unsigned*>(sp + oXKeys);
  }
  if (!q.weightRange.empty()) {
    check(cudaMemcpyAsync(sp + oWRange, q.weightRange.data(), 8 * wCols, cudaMemcpyHostToDevice, nullptr), "cudaMemcpyAsync(weight range)");
    p.wRange = reinterpret_cast<const float*>(sp + oWRange);
  } else {
    const long long rows = static_cast<long long>(s.w / wCols);
    launchRangeReduce(w, rows, wCols, reinterpret_cast<unsigned*>(sp + oWKeys), nullptr);
    p.wKeys = reinterpret_cast<const unsigned*>(sp + oWKeys);
  }
  p.wCols = wCols;
  p.symmetric = q.symmetric ? 1 : 0;
  p.w = w;
  p.K = static_cast<int>(s.K);
  p.outC = outC;
  p.xParams = reinterpret_cast<QuantParams*>(sp + oXParams);
  p.xPadCode = reinterpret_cast<int*>(sp + oPad);
  p.wParams = reinterpret_cast<QuantParams*>(sp + oWParams);
  p.wSums = reinterpret_cast<int*>(sp + oWSums);
  launchQuantPrep(p, nullptr);

  ConvArgs a{g, x, w, table, y, 0, p.xParams, p.xPadCode, p.wParams, p.wSums};
  if (kind == Kind::Conv2d) launchConv2d(a, v, true, nullptr);
  else launchDepthwise(a, v, true, nullptr);
}

}  // namespace cudalut
