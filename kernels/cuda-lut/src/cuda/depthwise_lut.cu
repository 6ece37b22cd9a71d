// Depthwise approximate conv2d (stride, dilation, channel multiplier): output channel oc = c*mult + m
// reads input channel c; the filter [fh,fw,inC,mult] is a [K][outC] matrix with K = fh*fw. Each output
// needs only K products, so this kernel is bound by reading x and writing y: lanes run over 32
// consecutive output channels (coalesced NHWC reads and writes), the 32 warps of a block over pixels.
// The quantized weight keys of the block's 32 channels sit in shared memory next to the table.
// Fused mode quantizes x on the fly (each input is read K/stride^2 times, from L1/L2); accumulate mode
// reads uint8 codes and writes the int32 sums of table products.
#include <string>
#include <type_traits>

#include "check.h"
#include "launch.h"
#include "quantize.cuh"
#include "table_layout.cuh"

namespace cudalut {

namespace {

constexpr int kLanes = 32;            // output channels per work item
constexpr int kWarps = 32;            // pixel rows of the block
constexpr int kPixelsPerItem = 256;   // pixels per work item: 8 per thread

template <class L, bool Fused>
__global__ void __launch_bounds__(kLanes * kWarps, 1) depthwiseKernel(const ConvArgs a) {
  extern __shared__ __align__(16) unsigned char smem[];
  constexpr unsigned kTableOffset = L::kUsesTable ? kTableSmemBytes : 0u;
  unsigned* wKeys = reinterpret_cast<unsigned*>(smem + kTableOffset);  // [K][32]

  const Geometry& g = a.g;
  const int lane = threadIdx.x, row = threadIdx.y, tid = row * kLanes + lane;
  const int K = g.filterHeight * g.filterWidth;
  const int M = g.batch * g.outHeight * g.outWidth;
  const int mult = g.outChannels / g.inChannels;
  const int groups = (g.outChannels + kLanes - 1) / kLanes;
  const int chunks = (M + kPixelsPerItem - 1) / kPixelsPerItem;
  const int items = groups * chunks;

  stageTable<L>(smem, a.table);

  QuantParams px{1.0f, 0.0f};
  int padCode = a.padCode;
  if constexpr (Fused) {
    px = *a.xParams;
    padCode = *a.xPadCode;
  }
  const unsigned padKey = L::xKey(padCode);

  for (int item = blockIdx.x; item < items; item += gridDim.x) {
    const int group = item / chunks, chunk = item % chunks;
    __syncthreads();  // the previous item's lookups are done (and the table is staged)
    for (int idx = tid; idx < K * kLanes; idx += kLanes * kWarps) {
      const int k = idx / kLanes, n = group * kLanes + idx % kLanes;
      int code = 0;
      if (n < g.outChannels) {
        const long long wi = static_cast<long long>(k) * g.outChannels + n;
        if constexpr (Fused) code = quantizeCode(__ldg(static_cast<const float*>(a.w) + wi), a.wParams[n]);
        else code = __ldg(static_cast<const unsigned char*>(a.w) + wi);
      }
      wKeys[idx] = L::wKey(code);
    }
    __syncthreads();

    const int oc = group * kLanes + lane;
    if (oc >= g.outChannels) continue;  // every thread still meets the barriers of the next item
    const int c = oc / mult;
    DequantizeTerms terms{0.0f, 0.0f, 0.0f};
    if constexpr (Fused) terms = dequantizeTerms(px, a.wParams[oc], a.wSums[oc], K);  // SPEC.md step 7
    const int pEnd = min(M, (chunk + 1) * kPixelsPerItem);
    for (int p = chunk * kPixelsPerItem + row; p < pEnd; p += kWarps) {
      const int ow = p % g.outWidth, t = p / g.outWidth;
      const int oh = t % g.outHeight, n = t / g.outHeight;
      const int ih0 = oh * g.strideHeight - g.padTop, iw0 = ow * g.strideWidth - g.padLeft;
      const long long base = static_cast<long long>(n) * g.inHeight * g.inWidth * g.inChannels + c;
      int acc = 0, sumX = 0;
      for (int kh = 0; kh < g.filterHeight; ++kh) {
        const int ih = ih0 + kh * g.dilationHeight;
        const bool rowIn = ih >= 0 && ih < g.inHeight;
        for (int kw = 0; kw < g.filterWidth; ++kw) {
          const int iw = iw0 + kw * g.dilationWidth;
          int code = padCode;
          unsigned xk = padKey;
          if (rowIn && iw >= 0 && iw < g.inWidth) {
            const long long xi = base + (static_cast<long long>(ih) * g.inWidth + iw) * g.inChannels;
            if constexpr (Fused) code = quantizeCode(__ldg(static_cast<const float*>(a.x) + xi), px);
            else code = __ldg(static_cast<const unsigned char*>(a.x) + xi);
            xk = L::xKey(code);
          }
          sumX += code;
          acc += L::product(smem, xk, wKeys[(kh * g.filterWidth + kw) * kLanes + lane]);
        }
      }
      const long long o = static_cast<long long>(p) * g.outChannels + oc;
      if constexpr (Fused) {
        static_cast<float*>(a.out)[o] = dequantizeWith(terms, acc, sumX);
      } else {
        static_cast<int*>(a.out)[o] = acc;
      }
    }
  }
}

template <class L, bool Fused>
void run(const ConvArgs& a, cudaStream_t stream) {
  const size_t smem = (L::kUsesTable ? kTableSmemBytes : 0u) +
                      static_cast<size_t>(a.g.filterHeight) * a.g.filterWidth * kLanes * sizeof(unsigned);
  auto kernel = depthwiseKernel<L, Fused>;
  int device = 0, sms = 0, perSm = 0, maxSmem = 0;
  check(cudaGetDevice(&device), "cudaGetDevice");
  check(cudaDeviceGetAttribute(&maxSmem, cudaDevAttrMaxSharedMemoryPerBlockOptin, device), "cudaDeviceGetAttribute(max shared memory)");
  if (smem > static_cast<size_t>(maxSmem))
    throw CudaError("depthwise filter " + std::to_string(a.g.filterHeight) + "x" + std::to_string(a.g.filterWidth) +
                    " needs " + std::to_string(smem) + " bytes of shared memory, the device allows " + std::to_string(maxSmem));
  check(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(smem)),
        "cudaFuncSetAttribute(depthwise, MaxDynamicSharedMemorySize)");
  check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), "cudaDeviceGetAttribute(SM count)");
  check(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&perSm, kernel, kLanes * kWarps, smem), "cudaOccupancyMaxActiveBlocksPerMultiprocessor(depthwise)");
  if (perSm < 1) throw CudaError("depthwise kernel does not fit on this device");
  const long long M = static_cast<long long>(a.g.batch) * a.g.outHeight * a.g.outWidth;
  const long long items = ((a.g.outChannels + kLanes - 1) / kLanes) * ((M + kPixelsPerItem - 1) / kPixelsPerItem);
  const long long slots = static_cast<long long>(sms) * perSm;
  kernel<<<static_cast<unsigned>(items < slots ? items : slots), dim3(kLanes, kWarps), smem, stream>>>(a);
  checkLaunch("depthwiseKernel");
}

template <class L>
void dispatch(const ConvArgs& a, bool fused, cudaStream_t stream) {
  fused ? run<L, true>(a, stream) : run<L, false>(a, stream);
}

}  // namespace

void launchDepthwise(const ConvArgs& a, Variant v, bool fused, cudaStream_t stream) {
  if (v.exact) return dispatch<ExactProduct>(a, fused, stream);
  switch (v.layout) {
    case TableLayout::ActivationMajor: return dispatch<ActivationMajor>(a, fused, stream);
    case TableLayout::WeightMajor: return dispatch<WeightMajor>(a, fused, stream);
    case TableLayout::XorSwizzled: return dispatch<XorSwizzled>(a, fused, stream);
  }
  throw CudaError("unknown table layout");
}

}  // namespace cudalut
