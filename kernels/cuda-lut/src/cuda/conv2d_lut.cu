// Dense approximate conv2d as an implicit GEMM: rows = output pixels (M = batch*outH*outW), columns =
// output channels, reduction over K = fh*fw*inC in HWIO order, so the filter is a [K][outC] matrix.
// Fused mode reads float x and w, quantizes them while staging each K tile into shared memory, and
// dequantizes in the epilogue; accumulate mode reads uint8 codes and writes the int32 sums of table
// products (the AccumulateFn contract). The product is a table lookup or, in the twin, a multiply.
//
// One block per SM (the table takes 128 KB of shared memory), 512 threads, persistent: each block
// stages the table once and then loops over output tiles, so small layers do not pay 128 KB per tile.
// Tile 128 pixels x BN channels (BN = 64, or 32 for layers with <= 32 output channels), K tiles of 32.
// A warp computes 8 pixels x BN channels; its 32 lanes own channels lane + 32j, so one lookup
// instruction has one activation code across the warp (see table_layout.cuh for why that matters).
#include <string>
#include <type_traits>

#include "check.h"
#include "launch.h"
#include "quantize.cuh"
#include "table_layout.cuh"

namespace cudalut {

namespace {

constexpr int kThreads = 512;
constexpr int kBM = 128;  // output pixels per tile
constexpr int kBK = 32;   // reduction depth of one staged tile
constexpr int kTM = 8;    // pixels per thread (a warp's share of the tile)
static_assert(kBM * kBK / kThreads == 8, "x staging: one pixel, 8 consecutive k per thread");
static_assert(kBM == (kThreads / 32) * kTM, "every warp owns kTM pixels");

template <int BN>
struct Tile {
  static constexpr int kTN = BN / 32;             // channels per thread
  static constexpr int kWRows = kThreads / BN;    // k rows staged per pass
  static constexpr int kWPerThread = kBK / kWRows;
  static constexpr unsigned kKeyBytes = (kBK * kBM + kBK * BN + kBM) * 4u;
};

// k -> (ci, kw, kh) moves forward by `step` without a division per element.
__device__ __forceinline__ void advanceK(int& ci, int& kw, int& kh, int step, int inC, int fw) {
  ci += step;
  while (ci >= inC) {
    ci -= inC;
    if (++kw == fw) { kw = 0; ++kh; }
  }
}

template <class L, bool Fused, int BN>
__global__ void __launch_bounds__(kThreads, 1) conv2dKernel(const ConvArgs a) {
  using T = Tile<BN>;
  using Raw = std::conditional_t<Fused, float, int>;
  extern __shared__ __align__(16) unsigned char smem[];
  constexpr unsigned kTableOffset = L::kUsesTable ? kTableSmemBytes : 0u;
  const unsigned char* table = smem;
  unsigned* xs = reinterpret_cast<unsigned*>(smem + kTableOffset);  // [kBK][kBM] activation keys
  unsigned* ws = xs + kBK * kBM;                                     // [kBK][BN] weight keys
  int* rowSums = reinterpret_cast<int*>(ws + kBK * BN);              // [kBM] sums of activation codes

  const Geometry& g = a.g;
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int M = g.batch * g.outHeight * g.outWidth;
  const int K = g.filterHeight * g.filterWidth * g.inChannels;
  const int tilesN = (g.outChannels + BN - 1) / BN;
  const int tiles = ((M + kBM - 1) / kBM) * tilesN;
  const unsigned char* xCodes = static_cast<const unsigned char*>(a.x);
  const float* xFloats = static_cast<const float*>(a.x);
  const unsigned char* wCodes = static_cast<const unsigned char*>(a.w);
  const float* wFloats = static_cast<const float*>(a.w);

  stageTable<L>(smem, a.table);  // ordered before use by the first barrier of the K loop

  QuantParams px{1.0f, 0.0f};
  int padCode = a.padCode;
  if constexpr (Fused) {
    px = *a.xParams;
    padCode = *a.xPadCode;
  }
  // staging roles: x pixel sm, k = sk..sk+7 of each K tile; w channel wc, k rows wRow + kWRows*j
  const int sm = tid >> 2, sk = (tid & 3) * 8;
  const int wc = tid % BN, wRow = tid / BN;

  for (int tile = blockIdx.x; tile < tiles; tile += gridDim.x) {
    const int m0 = (tile / tilesN) * kBM, n0 = (tile % tilesN) * BN;

    const int m = m0 + sm;
    const bool mValid = m < M;
    int ih0 = 0, iw0 = 0;
    long long xBase = 0;
    if (mValid) {
      const int ow = m % g.outWidth, t = m / g.outWidth;
      const int oh = t % g.outHeight, n = t / g.outHeight;
      ih0 = oh * g.strideHeight - g.padTop;
      iw0 = ow * g.strideWidth - g.padLeft;
      xBase = static_cast<long long>(n) * g.inHeight * g.inWidth * g.inChannels;
    }
    int ci = 0, kw = 0, kh = 0;
    advanceK(ci, kw, kh, sk, g.inChannels, g.filterWidth);

    const int wn = n0 + wc;
    const bool nValid = wn < g.outChannels;
    QuantParams pw{1.0f, 0.0f};
    if constexpr (Fused) {
      if (nValid) pw = a.wParams[wn];
    }

    Raw xr[8], wr[T::kWPerThread];
    unsigned xIn = 0, wIn = 0;  // bit j: element j lies inside K (else it takes the dummy key)
    int rowPartial = 0;

    // global -> registers for the K tile at k0; issued before the previous tile's compute so the
    // loads are in flight while the lookups run
    auto load = [&](int k0) {
      int c = ci, w = kw, h = kh;
      xIn = 0;
#pragma unroll
      for (int j = 0; j < 8; ++j) {
        const int k = k0 + sk + j;
        Raw v;
        if constexpr (Fused) v = 0.0f; else v = padCode;  // padding: the float 0.0, or its code
        if (k < K) {
          xIn |= 1u << j;
          const int ih = ih0 + h * g.dilationHeight, iw = iw0 + w * g.dilationWidth;
          if (mValid && ih >= 0 && ih < g.inHeight && iw >= 0 && iw < g.inWidth) {
            const long long idx = xBase + (static_cast<long long>(ih) * g.inWidth + iw) * g.inChannels + c;
            if constexpr (Fused) v = __ldg(xFloats + idx); else v = __ldg(xCodes + idx);
          }
        }
        xr[j] = v;
        if (++c == g.inChannels) { c = 0; if (++w == g.filterWidth) { w = 0; ++h; } }
      }
      advanceK(ci, kw, kh, kBK, g.inChannels, g.filterWidth);
      wIn = 0;
#pragma unroll
      for (int j = 0; j < T::kWPerThread; ++j) {
        const int k = k0 + wRow + T::kWRows * j;
        Raw v;
        if constexpr (Fused) v = 0.0f; else v = 0;
        if (k < K && nValid) {
          wIn |= 1u << j;
          const long long idx = static_cast<long long>(k) * g.outChannels + wn;
          if constexpr (Fused) v = __ldg(wFloats + idx); else v = __ldg(wCodes + idx);
        }
        wr[j] = v;
      }
    };

    // registers -> shared memory as lookup keys (quantizing on the way in fused mode)
    auto store = [&]() {
#pragma unroll
      for (int j = 0; j < 8; ++j) {
        unsigned key = L::kXDummy;
        if (xIn & (1u << j)) {
          int code;
          if constexpr (Fused) code = quantizeCode(xr[j], px); else code = xr[j];
          rowPartial += code;
          key = L::xKey(code);
        }
        xs[(sk + j) * kBM + sm] = key;
      }
#pragma unroll
      for (int j = 0; j < T::kWPerThread; ++j) {
        unsigned key = L::kWDummy;
        if (wIn & (1u << j)) {
          int code;
          if constexpr (Fused) code = quantizeCode(wr[j], pw); else code = wr[j];
          key = L::wKey(code);
        }
        ws[(wRow + T::kWRows * j) * BN + wc] = key;
      }
    };

    int acc[kTM][T::kTN];
#pragma unroll
    for (int i = 0; i < kTM; ++i)
#pragma unroll
      for (int j = 0; j < T::kTN; ++j) acc[i][j] = 0;

    load(0);
    for (int k0 = 0; k0 < K; k0 += kBK) {
      __syncthreads();  // the previous tile's lookups (and the table staging) are done
      store();
      __syncthreads();
      if (k0 + kBK < K) load(k0 + kBK);
#pragma unroll 8
      for (int kk = 0; kk < kBK; ++kk) {
        const uint4 x0 = *reinterpret_cast<const uint4*>(xs + kk * kBM + warp * kTM);
        const uint4 x1 = *reinterpret_cast<const uint4*>(xs + kk * kBM + warp * kTM + 4);
        const unsigned xk[kTM] = {x0.x, x0.y, x0.z, x0.w, x1.x, x1.y, x1.z, x1.w};
        unsigned wk[T::kTN];
#pragma unroll
        for (int j = 0; j < T::kTN; ++j) wk[j] = ws[kk * BN + lane + 32 * j];
#pragma unroll
        for (int i = 0; i < kTM; ++i)
#pragma unroll
          for (int j = 0; j < T::kTN; ++j) acc[i][j] += L::product(table, xk[i], wk[j]);
      }
    }

    if constexpr (Fused) {
      // the four stagers of a pixel are adjacent lanes: combine their partial code sums
      rowPartial += __shfl_xor_sync(0xffffffffu, rowPartial, 1);
      rowPartial += __shfl_xor_sync(0xffffffffu, rowPartial, 2);
      if ((tid & 3) == 0) rowSums[sm] = rowPartial;
      __syncthreads();
    }

#pragma unroll
    for (int j = 0; j < T::kTN; ++j) {
      const int n = n0 + lane + 32 * j;
      if (n >= g.outChannels) continue;
      DequantizeTerms terms{0.0f, 0.0f, 0.0f};
      if constexpr (Fused) terms = dequantizeTerms(px, a.wParams[n], a.wSums[n], K);  // SPEC.md step 7
#pragma unroll
      for (int i = 0; i < kTM; ++i) {
        const int mo = m0 + warp * kTM + i;
        if (mo >= M) continue;
        const long long o = static_cast<long long>(mo) * g.outChannels + n;
        if constexpr (Fused) {
          static_cast<float*>(a.out)[o] = dequantizeWith(terms, acc[i][j], rowSums[warp * kTM + i]);
        } else {
          static_cast<int*>(a.out)[o] = acc[i][j];
        }
      }
    }
  }
}

template <class L, bool Fused, int BN>
void run(const ConvArgs& a, cudaStream_t stream) {
  constexpr size_t smem = (L::kUsesTable ? kTableSmemBytes : 0u) + Tile<BN>::kKeyBytes;
  auto kernel = conv2dKernel<L, Fused, BN>;
  check(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(smem)),
        "cudaFuncSetAttribute(conv2d, MaxDynamicSharedMemorySize)");
  int device = 0, sms = 0, perSm = 0;
  check(cudaGetDevice(&device), "cudaGetDevice");
  check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), "cudaDeviceGetAttribute(SM count)");
  check(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&perSm, kernel, kThreads, smem), "cudaOccupancyMaxActiveBlocksPerMultiprocessor(conv2d)");
  if (perSm < 1) throw CudaError("conv2d kernel does not fit on this device (needs " + std::to_string(smem) + " bytes of shared memory per block)");
  const long long M = static_cast<long long>(a.g.batch) * a.g.outHeight * a.g.outWidth;
  const long long tiles = ((M + kBM - 1) / kBM) * ((a.g.outChannels + BN - 1) / BN);
  const long long grid = tiles < static_cast<long long>(sms) * perSm ? tiles : static_cast<long long>(sms) * perSm;
  kernel<<<static_cast<unsigned>(grid), kThreads, smem, stream>>>(a);
  checkLaunch("conv2dKernel");
}

template <class L>
void dispatch(const ConvArgs& a, bool fused, cudaStream_t stream) {
  const bool wide = a.g.outChannels > 32;
  if (fused) wide ? run<L, true, 64>(a, stream) : run<L, true, 32>(a, stream);
  else wide ? run<L, false, 64>(a, stream) : run<L, false, 32>(a, stream);
}

}  // namespace

void launchConv2d(const ConvArgs& a, Variant v, bool fused, cudaStream_t stream) {
  if (v.exact) return dispatch<ExactProduct>(a, fused, stream);
  switch (v.layout) {
    case TableLayout::ActivationMajor: return dispatch<ActivationMajor>(a, fused, stream);
    case TableLayout::WeightMajor: return dispatch<WeightMajor>(a, fused, stream);
    case TableLayout::XorSwizzled: return dispatch<XorSwizzled>(a, fused, stream);
  }
  throw CudaError("unknown table layout");
}

}  // namespace cudalut
