// Byte-shuffle accumulation (lut_shuffle.h). For one weight code w the table column T[.][w] (256 x uint16) is two
// 256-byte planes, its low and its high bytes, four zmm each. 64 activation codes of one reduction step (one input
// channel at one tap, for 64 output pixels) are looked up in a plane by two vpermi2b (the code's low 7 bits) and a
// blend on its top bit. The byte results are summed in 16-bit lanes per plane, even and odd pixels apart; a plane sum
// stays exact for up to 257 terms of 255, so longer reductions are cut into chunks of 257 and each chunk's sums are
// widened into int32 as lo + 256 * hi. Integer sums throughout: bit for bit the gathers of lut_accumulate.cc.
//
// Layout: the codes are first written channel-major and padded (one padded plane per image and channel, filled with
// padCode), so that the 64 codes of a tile of output pixels at one tap are a few vpermi2b over two 64-byte loads
// (one plain load where the tile is contiguous, as in a stride-1 1x1 convolution).
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vbmi")

#include "lut_shuffle.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <vector>

#include "approx_host.h"
#include "parallel.h"

namespace cpunative {
namespace {

constexpr int kChunk = 257;  // 257 * 255 = 65535: the most terms a 16-bit plane sum holds exactly
constexpr int kTile = 64;    // output pixels per tile: one zmm of codes

// The table as per-weight-code planes: planes[w * 512 + a] = T[a][w] & 255, planes[w * 512 + 256 + a] = T[a][w] >> 8.
// Built once per table and kept (with a copy of the table, compared on each call, 128 KiB each).
struct Planes {
  alignas(64) uint8_t bytes[256 * 512];
  uint16_t key[65536];
  bool valid = false;
};

const uint8_t* planesOf(const uint16_t* table) {
  static Planes p;
  static std::mutex m;
  std::lock_guard<std::mutex> lock(m);
  if (!p.valid || std::memcmp(p.key, table, sizeof(p.key)) != 0) {
    for (int a = 0; a < 256; a++)
      for (int w = 0; w < 256; w++) {
        const uint16_t v = table[a * 256 + w];
        p.bytes[w * 512 + a] = static_cast<uint8_t>(v & 255);
        p.bytes[w * 512 + 256 + a] = static_cast<uint8_t>(v >> 8);
      }
    std::memcpy(p.key, table, sizeof(p.key));
    p.valid = true;
  }
  return p.bytes;
}

// Where the 64 codes of one tile come from in a padded plane, relative to the tap's origin: lane l reads offset
// start[g] + idx[l] for the group g that holds it; a group spans at most 128 bytes (one vpermi2b over two loads).
struct TileMap {
  alignas(64) uint8_t idx[kTile];
  int groups = 0;
  bool contiguous = false;  // one group, lanes in order: a plain load
  int start[kTile];
  uint64_t mask[kTile];
  int valid = 0;  // lanes that are output pixels (the last tile of an image may be partial)
};

std::vector<TileMap> tileMaps(const LutShape& g, int wp) {
  const int pixels = g.outHeight * g.outWidth;
  std::vector<TileMap> maps((pixels + kTile - 1) / kTile);
  for (size_t t = 0; t < maps.size(); t++) {
    TileMap& m = maps[t];
    m.valid = std::min(kTile, pixels - static_cast<int>(t) * kTile);
    int offsets[kTile];
    for (int l = 0; l < kTile; l++) {
      const int p = static_cast<int>(t) * kTile + std::min(l, m.valid - 1);  // lanes past the image repeat its last pixel
      offsets[l] = (p / g.outWidth) * g.strideHeight * wp + (p % g.outWidth) * g.strideWidth;
    }
    for (int l = 0; l < kTile;) {
      const int from = offsets[l];
      uint64_t mask = 0;
      int e = l;
      // offsets rise with the lane (row-major pixels), so a group is a run of lanes within 128 bytes of its first
      for (; e < kTile && offsets[e] - from < 128 && offsets[e] >= from; e++) {
        m.idx[e] = static_cast<uint8_t>(offsets[e] - from);
        mask |= uint64_t{1} << e;
      }
      m.start[m.groups] = from;
      m.mask[m.groups] = mask;
      m.groups++;
      l = e;
    }
    m.contiguous = m.groups == 1;
    for (int l = 0; l < kTile && m.contiguous; l++) m.contiguous = m.idx[l] == l;
  }
  return maps;
}

inline __m512i tileCodes(const uint8_t* base, const TileMap& m) {
  if (m.contiguous) return _mm512_loadu_si512(base + m.start[0]);
  const __m512i idx = _mm512_load_si512(m.idx);
  if (m.groups == 1) return _mm512_permutex2var_epi8(_mm512_loadu_si512(base + m.start[0]), idx, _mm512_loadu_si512(base + m.start[0] + 64));
  __m512i v = _mm512_setzero_si512();
  for (int gi = 0; gi < m.groups; gi++) {
    const uint8_t* p = base + m.start[gi];
    v = _mm512_mask_blend_epi8(m.mask[gi], v, _mm512_permutex2var_epi8(_mm512_loadu_si512(p), idx, _mm512_loadu_si512(p + 64)));
  }
  return v;
}

// acc32[t][k][q] += SUM_r T[codes[t][r][q']][w[r * ws + k]] for KB output channels from k0, TT tiles, rows [0, R).
// q is the lane's place in the permuted order the plane sums leave: even pixels 0, 2, .., 62 first, then odd ones.
template <int TT, int KB>
void block(const uint8_t* const* codes, int R, const uint8_t* w, int ws, const uint8_t* planes, int32_t* const* acc32, int k0) {
  const __m512i low = _mm512_set1_epi16(0x00ff);
  for (int r0 = 0; r0 < R; r0 += kChunk) {
    const int r1 = std::min(R, r0 + kChunk);
    __m512i el[TT][KB], ol[TT][KB], eh[TT][KB], oh[TT][KB];
    for (int t = 0; t < TT; t++)
      for (int k = 0; k < KB; k++) el[t][k] = ol[t][k] = eh[t][k] = oh[t][k] = _mm512_setzero_si512();
    for (int r = r0; r < r1; r++) {
      __m512i idx[TT];
      __mmask64 top[TT];
      for (int t = 0; t < TT; t++) {
        idx[t] = _mm512_load_si512(codes[t] + static_cast<size_t>(r) * kTile);
        top[t] = _mm512_movepi8_mask(idx[t]);
      }
      const uint8_t* wr = w + static_cast<size_t>(r) * ws + k0;
      for (int k = 0; k < KB; k++) {
        const __m512i* col = reinterpret_cast<const __m512i*>(planes + static_cast<size_t>(wr[k]) * 512);
        const __m512i l0 = _mm512_load_si512(col), l1 = _mm512_load_si512(col + 1), l2 = _mm512_load_si512(col + 2), l3 = _mm512_load_si512(col + 3);
        for (int t = 0; t < TT; t++) {
          const __m512i v = _mm512_mask_blend_epi8(top[t], _mm512_permutex2var_epi8(l0, idx[t], l1), _mm512_permutex2var_epi8(l2, idx[t], l3));
          el[t][k] = _mm512_add_epi16(el[t][k], _mm512_and_si512(v, low));
          ol[t][k] = _mm512_add_epi16(ol[t][k], _mm512_srli_epi16(v, 8));
        }
        const __m512i h0 = _mm512_load_si512(col + 4), h1 = _mm512_load_si512(col + 5), h2 = _mm512_load_si512(col + 6), h3 = _mm512_load_si512(col + 7);
        for (int t = 0; t < TT; t++) {
          const __m512i v = _mm512_mask_blend_epi8(top[t], _mm512_permutex2var_epi8(h0, idx[t], h1), _mm512_permutex2var_epi8(h2, idx[t], h3));
          eh[t][k] = _mm512_add_epi16(eh[t][k], _mm512_and_si512(v, low));
          oh[t][k] = _mm512_add_epi16(oh[t][k], _mm512_srli_epi16(v, 8));
        }
      }
    }
    // widen: lo + 256 * hi in int32, 16 lanes at a time
    for (int t = 0; t < TT; t++)
      for (int k = 0; k < KB; k++) {
        int32_t* o = acc32[t] + static_cast<size_t>(k0 + k) * kTile;
        const auto wide = [&](__m512i lo, __m512i hi, int half, int32_t* at) {
          const __m512i a = _mm512_cvtepu16_epi32(half == 0 ? _mm512_castsi512_si256(lo) : _mm512_extracti64x4_epi64(lo, 1));
          const __m512i b = _mm512_cvtepu16_epi32(half == 0 ? _mm512_castsi512_si256(hi) : _mm512_extracti64x4_epi64(hi, 1));
          _mm512_store_si512(at, _mm512_add_epi32(_mm512_load_si512(at), _mm512_add_epi32(a, _mm512_slli_epi32(b, 8))));
        };
        wide(el[t][k], eh[t][k], 0, o);
        wide(el[t][k], eh[t][k], 1, o + 16);
        wide(ol[t][k], oh[t][k], 0, o + 32);
        wide(ol[t][k], oh[t][k], 1, o + 48);
      }
  }
}

template <int TT>
void accumulateTiles(const uint8_t* const* codes, int R, const uint8_t* w, int ws, int K, const uint8_t* planes, int32_t* const* acc32) {
  int k = 0;
  for (; k + 4 <= K; k += 4) block<TT, 4>(codes, R, w, ws, planes, acc32, k);
  switch (K - k) {
    case 3: block<TT, 3>(codes, R, w, ws, planes, acc32, k); break;
    case 2: block<TT, 2>(codes, R, w, ws, planes, acc32, k); break;
    case 1: block<TT, 1>(codes, R, w, ws, planes, acc32, k); break;
    default: break;
  }
}

// Lane l of a tile sits at place(l) of the plane sums' order.
inline int place(int l) { return (l & 1) ? 32 + (l >> 1) : (l >> 1); }

// dst[l * rows + k] = src[k * 64 + place(l)] for the 64 lanes l and rows k < rows: 16 x 16 blocks transposed in
// registers, the last block's missing rows masked.
void toPixelMajor(const int32_t* src, int rows, int32_t* dst) {
  for (int k0 = 0; k0 < rows; k0 += 16) {
    const int kn = std::min(16, rows - k0);
    const __mmask16 keep = static_cast<__mmask16>((1u << kn) - 1);
    for (int q0 = 0; q0 < kTile; q0 += 16) {
      __m512i r[16], t[16], u[16];
      for (int i = 0; i < 16; i++) r[i] = i < kn ? _mm512_load_si512(src + static_cast<size_t>(k0 + i) * kTile + q0) : _mm512_setzero_si512();
      for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
      }
      // u[4i + c], 128-bit lane L: rows 4i..4i+3 of column 4L + c
      for (int i = 0; i < 4; i++) {
        u[4 * i] = _mm512_unpacklo_epi64(t[4 * i], t[4 * i + 2]);
        u[4 * i + 1] = _mm512_unpackhi_epi64(t[4 * i], t[4 * i + 2]);
        u[4 * i + 2] = _mm512_unpacklo_epi64(t[4 * i + 1], t[4 * i + 3]);
        u[4 * i + 3] = _mm512_unpackhi_epi64(t[4 * i + 1], t[4 * i + 3]);
      }
      for (int c = 0; c < 4; c++) {
        const __m512i v0 = _mm512_shuffle_i32x4(u[c], u[4 + c], 0x44), v1 = _mm512_shuffle_i32x4(u[c], u[4 + c], 0xee);
        const __m512i w0 = _mm512_shuffle_i32x4(u[8 + c], u[12 + c], 0x44), w1 = _mm512_shuffle_i32x4(u[8 + c], u[12 + c], 0xee);
        const __m512i col[4] = {_mm512_shuffle_i32x4(v0, w0, 0x88), _mm512_shuffle_i32x4(v0, w0, 0xdd), _mm512_shuffle_i32x4(v1, w1, 0x88), _mm512_shuffle_i32x4(v1, w1, 0xdd)};
        for (int L = 0; L < 4; L++) {
          const int q = q0 + 4 * L + c, l = q < 32 ? 2 * q : 2 * (q - 32) + 1;
          _mm512_mask_storeu_epi32(dst + static_cast<size_t>(l) * rows + k0, keep, col[L]);
        }
      }
    }
  }
}

// Tiles per work item. A table column, once in registers, serves the item's tiles: conv2d takes them in pairs with
// four output channels at a time (block<2, 4>: 32 accumulators), depthwise all four with one channel (block<4, 1>).
constexpr int kTilesTogether = 4;

template <int TT>
void accumulateChannels(const uint8_t* const* codes, int R, const uint8_t* w, int ws, int K, const uint8_t* planes, int32_t* const* acc32) {
  for (int k = 0; k < K; k++) block<TT, 1>(codes, R, w, ws, planes, acc32, k);
}

// to[c * plane + iw] = from[iw * ci + c]: one row of NHWC codes into the channel-major planes, four channels at a
// time (sequential writes; the row's reads stay in L1).
void transposeRow(const uint8_t* __restrict from, uint8_t* __restrict to, int width, int ci, size_t plane) {
  int c = 0;
  for (; c + 4 <= ci; c += 4) {
    uint8_t* __restrict t0 = to + c * plane;
    uint8_t* __restrict t1 = t0 + plane;
    uint8_t* __restrict t2 = t1 + plane;
    uint8_t* __restrict t3 = t2 + plane;
    const uint8_t* f = from + c;
    for (int iw = 0; iw < width; iw++, f += ci) {
      uint32_t v;
      std::memcpy(&v, f, 4);
      t0[iw] = static_cast<uint8_t>(v);
      t1[iw] = static_cast<uint8_t>(v >> 8);
      t2[iw] = static_cast<uint8_t>(v >> 16);
      t3[iw] = static_cast<uint8_t>(v >> 24);
    }
  }
  for (; c < ci; c++) {
    uint8_t* __restrict t = to + c * plane;
    for (int iw = 0; iw < width; iw++) t[iw] = from[static_cast<size_t>(iw) * ci + c];
  }
}

// Runs done(n, firstPixel, validPixels, tileAcc[64 x outC], tileSums[64 x (1 | inC)]) for every tile of output pixels,
// split over threads.
template <typename Done>
void shuffleTiles(const LutShape& g, const uint8_t* x, const uint8_t* w, int padCode, const uint16_t* table, Done done) {
  const uint8_t* planes = planesOf(table);
  const int ci = g.inChannels, co = g.outChannels, mult = co / ci;
  const int hp = std::max(g.inHeight + g.padTop, (g.outHeight - 1) * g.strideHeight + (g.filterHeight - 1) * g.dilationHeight + 1);
  const int wp = std::max(g.inWidth + g.padLeft, (g.outWidth - 1) * g.strideWidth + (g.filterWidth - 1) * g.dilationWidth + 1);
  const size_t plane = static_cast<size_t>(hp) * wp;
  // channel-major padded codes, with 128 bytes of slack for the last tile's second load
  std::vector<uint8_t> xc(static_cast<size_t>(g.batch) * ci * plane + 128, static_cast<uint8_t>(padCode));
  const double inputs = static_cast<double>(g.batch) * g.inHeight * g.inWidth * ci;
#pragma omp parallel for schedule(static) if (inputs >= kParallelFrom)
  for (int nh = 0; nh < g.batch * g.inHeight; nh++) {
    const int n = nh / g.inHeight, h = nh % g.inHeight;
    const uint8_t* from = x + static_cast<size_t>(nh) * g.inWidth * ci;
    uint8_t* to = xc.data() + static_cast<size_t>(n) * ci * plane + static_cast<size_t>(h + g.padTop) * wp + g.padLeft;
    transposeRow(from, to, g.inWidth, ci, plane);
  }
  const std::vector<TileMap> maps = tileMaps(g, wp);
  const int tilesPerImage = static_cast<int>(maps.size());
  const int tiles = g.batch * tilesPerImage;
  const int taps = g.filterHeight * g.filterWidth;
  std::vector<size_t> tapOffset(taps);
  for (int tap = 0; tap < taps; tap++) tapOffset[tap] = static_cast<size_t>(tap / g.filterWidth) * g.dilationHeight * wp + static_cast<size_t>(tap % g.filterWidth) * g.dilationWidth;
  // conv2d: one reduction of taps x inC rows over all outC; depthwise: per input channel, taps rows over its mult outputs
  const int R = g.depthwise ? taps : taps * ci;
  const int K = g.depthwise ? mult : co;
  const int items = (tiles + kTilesTogether - 1) / kTilesTogether;
  const double lookups = static_cast<double>(tiles) * kTile * taps * (g.depthwise ? co : static_cast<double>(ci) * co);
#pragma omp parallel for schedule(static) if (lookups >= kParallelFrom)
  for (int item = 0; item < items; item++) {
    const int t0 = item * kTilesTogether, tt = std::min(kTilesTogether, tiles - t0);
    thread_local std::vector<uint8_t> codeStore;
    thread_local std::vector<int32_t> laneStore, itemAcc, itemSums;
    const int sumRows = g.depthwise ? ci : 1;
    codeStore.resize(static_cast<size_t>(kTilesTogether) * R * kTile + 64);
    // per tile: outC rows of accumulations and sumRows rows of window sums, each 64 lanes in plane-sum order
    const size_t laneRows = static_cast<size_t>(co) + sumRows;
    laneStore.assign(static_cast<size_t>(kTilesTogether) * laneRows * kTile + 16, 0);
    // 64-byte aligned views (aligned loads and stores in block() and below)
    uint8_t* codeBase = reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(codeStore.data()) + 63) & ~uintptr_t{63});
    int32_t* laneBase = reinterpret_cast<int32_t*>((reinterpret_cast<uintptr_t>(laneStore.data()) + 63) & ~uintptr_t{63});
    const auto lanesOf = [&](int t) { return laneBase + static_cast<size_t>(std::min(t, tt - 1)) * laneRows * kTile; };
    const uint8_t* codes[kTilesTogether];
    for (int t = 0; t < kTilesTogether; t++) codes[t] = codeBase + static_cast<size_t>(std::min(t, tt - 1)) * R * kTile;  // (only the first tt are read)
    for (int grp = 0; grp < sumRows; grp++) {
      for (int t = 0; t < tt; t++) {
        const int tile = t0 + t, n = tile / tilesPerImage;
        const TileMap& m = maps[tile % tilesPerImage];
        uint8_t* dst = codeBase + static_cast<size_t>(t) * R * kTile;
        // the window code sums as the plane sums are kept: even and odd lanes in 16 bits, widened every kChunk rows
        int32_t* sums = lanesOf(t) + (static_cast<size_t>(co) + grp) * kTile;
        for (int r0 = 0; r0 < R; r0 += kChunk) {
          __m512i even = _mm512_setzero_si512(), odd = _mm512_setzero_si512();
          for (int r = r0; r < std::min(R, r0 + kChunk); r++) {
            const int tap = g.depthwise ? r : r / ci, c = g.depthwise ? grp : r % ci;
            const __m512i v = tileCodes(xc.data() + (static_cast<size_t>(n) * ci + c) * plane + tapOffset[tap], m);
            _mm512_store_si512(dst + static_cast<size_t>(r) * kTile, v);
            even = _mm512_add_epi16(even, _mm512_and_si512(v, _mm512_set1_epi16(0x00ff)));
            odd = _mm512_add_epi16(odd, _mm512_srli_epi16(v, 8));
          }
          const auto add = [](int32_t* at, __m256i h) { _mm512_store_si512(at, _mm512_add_epi32(_mm512_load_si512(at), _mm512_cvtepu16_epi32(h))); };
          add(sums, _mm512_castsi512_si256(even));
          add(sums + 16, _mm512_extracti64x4_epi64(even, 1));
          add(sums + 32, _mm512_castsi512_si256(odd));
          add(sums + 48, _mm512_extracti64x4_epi64(odd, 1));
        }
      }
      int32_t* acc32[kTilesTogether];
      for (int t = 0; t < kTilesTogether; t++) acc32[t] = lanesOf(t) + static_cast<size_t>(g.depthwise ? grp * mult : 0) * kTile;
      const uint8_t* wg = g.depthwise ? w + grp * mult : w;
      if (g.depthwise) {
        switch (tt) {
          case 4: accumulateChannels<4>(codes, R, wg, co, K, planes, acc32); break;
          case 3: accumulateChannels<3>(codes, R, wg, co, K, planes, acc32); break;
          case 2: accumulateChannels<2>(codes, R, wg, co, K, planes, acc32); break;
          default: accumulateChannels<1>(codes, R, wg, co, K, planes, acc32); break;
        }
      } else {
        for (int t = 0; t < tt; t += 2)
          if (tt - t >= 2)
            accumulateTiles<2>(codes + t, R, wg, co, K, planes, acc32 + t);
          else
            accumulateTiles<1>(codes + t, R, wg, co, K, planes, acc32 + t);
      }
    }
    // to pixel-major order: outC accumulations and sumRows sums per pixel
    itemAcc.resize(static_cast<size_t>(tt) * kTile * co + 16);
    itemSums.resize(static_cast<size_t>(tt) * kTile * sumRows + 16);
    for (int t = 0; t < tt; t++) {
      toPixelMajor(lanesOf(t), co, itemAcc.data() + static_cast<size_t>(t) * kTile * co);
      toPixelMajor(lanesOf(t) + static_cast<size_t>(co) * kTile, sumRows, itemSums.data() + static_cast<size_t>(t) * kTile * sumRows);
    }
    for (int t = 0; t < tt; t++) {
      const int tile = t0 + t;
      const TileMap& m = maps[tile % tilesPerImage];
      done(tile / tilesPerImage, (tile % tilesPerImage) * kTile, m.valid, itemAcc.data() + static_cast<size_t>(t) * kTile * co,
           itemSums.data() + static_cast<size_t>(t) * kTile * sumRows);
    }
  }
}

}  // namespace

void shuffleAccumulate(const LutShape& g, const uint8_t* x, const uint8_t* w, int padCode, const uint16_t* table, int32_t* acc, int32_t* sums) {
  const size_t pixels = static_cast<size_t>(g.outHeight) * g.outWidth;
  const int co = g.outChannels, perPixel = g.depthwise ? g.inChannels : 1;
  shuffleTiles(g, x, w, padCode, table, [&](int n, int first, int valid, const int32_t* a, const int32_t* s) {
    const size_t at = static_cast<size_t>(n) * pixels + first;
    std::memcpy(acc + at * co, a, sizeof(int32_t) * valid * co);
    std::memcpy(sums + at * perPixel, s, sizeof(int32_t) * valid * perPixel);
  });
}

void shuffleConvolve(const LutShape& g, const uint8_t* x, const uint8_t* w, int padCode, const uint16_t* table, const float* accScale, const float* sumXScale,
                     const float* constant, float* out) {
  const size_t pixels = static_cast<size_t>(g.outHeight) * g.outWidth;
  const int co = g.outChannels, ci = g.inChannels, mult = co / ci, width = kTile * co;
  // the per-channel factors tiled along a tile's outputs (as lut_accumulate.cc tiles them along a row)
  std::vector<float> factors(3 * static_cast<size_t>(width));
  std::vector<int32_t> sumOf(width);
  for (int j = 0; j < width; j++) {
    factors[j] = accScale[j % co];
    factors[width + j] = sumXScale[j % co];
    factors[2 * width + j] = constant[j % co];
    sumOf[j] = g.depthwise ? (j / co) * ci + (j % co) / mult : j / co;
  }
  shuffleTiles(g, x, w, padCode, table, [&](int n, int first, int valid, const int32_t* a, const int32_t* s) {
    thread_local std::vector<float> sums;
    sums.resize(width);
    const int count = valid * co;
    for (int j = 0; j < count; j++) sums[j] = static_cast<float>(s[sumOf[j]]);
    dequantizeRow(count, a, sums.data(), factors.data(), factors.data() + width, factors.data() + 2 * width, out + (static_cast<size_t>(n) * pixels + first) * co);
  });
}

}  // namespace cpunative

#pragma GCC pop_options
