// Range reduction: min and max of a tensor (or of each column of the [K][outC] weight matrix), the
// batch range of libs/quantization/SPEC.md when no recorded range is given. NaN is ignored.
#include "check.h"
#include "launch.h"
#include "quantize.cuh"

namespace cudalut {

namespace {

constexpr int kThreads = 256;

// Thread t owns column t % cols and walks rows t / cols, t / cols + stride, ... so a column's partial
// extrema stay in registers; the launch makes the thread count a multiple of cols.
__global__ void __launch_bounds__(kThreads) rangeReduceKernel(const float* __restrict__ data, long long rows, int cols,
                                                              long long threads, unsigned* __restrict__ keys) {
  const long long t = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  unsigned lo = 0xffffffffu, hi = 0u;
  if (t < threads) {
    const int col = static_cast<int>(t % cols);
    const long long step = threads / cols;
    for (long long r = t / cols; r < rows; r += step) {
      const float v = data[r * cols + col];
      if (v == v) {
        const unsigned k = orderedKey(v);
        lo = min(lo, k);
        hi = max(hi, k);
      }
    }
    if (cols == 1) {
      // one column: reduce the warp first so only one lane per warp touches the global keys
      for (int o = 16; o > 0; o >>= 1) {
        lo = min(lo, __shfl_xor_sync(__activemask(), lo, o));
        hi = max(hi, __shfl_xor_sync(__activemask(), hi, o));
      }
      if ((threadIdx.x & 31) != 0) return;
    }
    atomicMin(keys + col, lo);
    atomicMax(keys + cols + col, hi);
  }
}

}  // namespace

void launchRangeReduce(const float* data, long long rows, int cols, unsigned* keys, cudaStream_t stream) {
  check(cudaMemsetAsync(keys, 0xff, sizeof(unsigned) * cols, stream), "cudaMemsetAsync(range minima)");
  check(cudaMemsetAsync(keys + cols, 0x00, sizeof(unsigned) * cols, stream), "cudaMemsetAsync(range maxima)");
  if (rows <= 0) return;
  // enough threads to fill the GPU, rounded to whole columns and whole warps
  long long want = 1LL << 16;
  if (want > rows * cols) want = rows * cols;
  long long threads = ((want + cols - 1) / cols) * cols;
  if (cols == 1) threads = ((threads + 31) / 32) * 32;
  const unsigned blocks = static_cast<unsigned>((threads + kThreads - 1) / kThreads);
  rangeReduceKernel<<<blocks, kThreads, 0, stream>>>(data, rows, cols, threads, keys);
  checkLaunch("rangeReduceKernel");
}

}  // namespace cudalut
