// Quantization parameters from ranges (given or reduced on the device; paramsFor of quantize.cuh, the
// specification's steps 1-3), the padding code, and the per-output-channel sums of weight codes that the
// dequantization needs. One thread per output channel; the weights are small next to the activations, so one
// pass over them is cheap.
#include "check.h"
#include "launch.h"
#include "quantize.cuh"

namespace cudalut {

namespace {

constexpr int kThreads = 128;

// An empty or all-NaN reduction leaves NaN keys, which paramsFor reads as the range [0, 0].
__device__ QuantParams rangeParams(const unsigned* keys, const float* given, int col, int cols, int symmetric) {
  if (keys != nullptr) return paramsFor(orderedValue(keys[col]), orderedValue(keys[cols + col]), symmetric != 0);
  return paramsFor(given[2 * col], given[2 * col + 1], symmetric != 0);
}

__global__ void __launch_bounds__(kThreads) quantPrepKernel(const PrepArgs a) {
  const int oc = blockIdx.x * blockDim.x + threadIdx.x;
  if (oc == 0) {
    const QuantParams px = rangeParams(a.xKeys, a.xRange, 0, 1, a.symmetric);
    *a.xParams = px;
    *a.xPadCode = quantizeCode(0.0f, px);
  }
  if (oc >= a.outC) return;
  const QuantParams pw = rangeParams(a.wKeys, a.wRange, a.wCols == 1 ? 0 : oc, a.wCols, a.symmetric);
  int sum = 0;
  for (int k = 0; k < a.K; ++k) sum += quantizeCode(a.w[static_cast<long long>(k) * a.outC + oc], pw);
  a.wParams[oc] = pw;
  a.wSums[oc] = sum;
}

}  // namespace

void launchQuantPrep(const PrepArgs& a, cudaStream_t stream) {
  const int blocks = (a.outC + kThreads - 1) / kThreads;
  quantPrepKernel<<<blocks > 0 ? blocks : 1, kThreads, 0, stream>>>(a);
  checkLaunch("quantPrepKernel");
}

}  // namespace cudalut
