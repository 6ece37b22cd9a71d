// The multiplier table in shared memory, and how a product is looked up.
//
// Bank conflicts. Shared memory has 32 banks of 4-byte words; the table is 65536 u16 = 32768 words, so two
// entries share a word (a u16 pair) and 1024 words share each bank. One warp-wide lookup costs as many
// shared-memory wavefronts as the largest number of DISTINCT words any one bank is asked for; lanes that
// read the same word are served by one broadcast. So the layout must put in the bank bits the operand that
// varies across the lanes of a warp, and keep in the word (pair) the operand bit most likely to coincide.
//
//  - ActivationMajor (the file's own order, byte offset 2*(a*256+b)): bank = bits 1..5 of the weight code
//    b; the activation code only selects a 512-byte row. The dense kernel maps the 32 lanes of a warp to
//    32 different output channels of ONE output pixel, so within one lookup instruction the activation
//    code is the same for all lanes and only the weight code varies: lanes with equal b, or b differing
//    only in bit 0, share a word; a conflict needs two codes equal in bits 1..5 but different in bits 6..7.
//    Quantized weights of one layer cluster around their zero point, so most codes of a warp lie in a
//    window narrower than 64 and the expected conflict degree is close to 1 (uniform random codes: ~3).
//  - WeightMajor (2*(b*256+a)): bank = bits 1..5 of the activation code. Right for a mapping whose lanes
//    share the weight (lanes over pixels, one output channel); with the dense mapping above every lane
//    hits the same bank (up to 32-way), so it is here as the control of the experiment.
//  - XorSwizzled (row a, word (b/2) XOR (a mod 32)): bank depends on both codes. It equals ActivationMajor
//    up to a permutation when a warp shares one activation, and spreads the rows when it does not (the
//    depthwise kernel, whose lanes differ in channel and so in both codes).
// Replicating the table per bank group is impossible: one copy already takes 128 KB of the 227 KB a block
// may use. Every layout costs the same instructions per product: the row key of the activation and the
// column key of the weight are precomputed when the operand tiles are staged, so a product is one
// IADD/LOP3 to form the address, one LDS.U16, one IADD to accumulate. The benchmark compares the three.
//
// Keys also give the tails for free: for k >= K (the last, partial K tile) both operands take a dummy key
// whose address falls in a 512-byte zero block after the table, so the inner loop has no bounds test.
#pragma once
#include "geometry.h"

namespace cudalut {

constexpr unsigned kTableBytes = 65536u * 2u;
constexpr unsigned kZeroBytes = 512u;           // one zero row (ActivationMajor/Xor) or column (WeightMajor)
constexpr unsigned kTableSmemBytes = kTableBytes + kZeroBytes;

__device__ __forceinline__ int lutAt(const unsigned char* table, unsigned byteOffset) {
  return *reinterpret_cast<const unsigned short*>(table + byteOffset);
}

struct ActivationMajor {
  static constexpr bool kUsesTable = true;
  __device__ static unsigned xKey(int a) { return static_cast<unsigned>(a) << 9; }
  __device__ static unsigned wKey(int b) { return static_cast<unsigned>(b) << 1; }
  static constexpr unsigned kXDummy = 256u << 9, kWDummy = 0u;
  __device__ static unsigned offset(unsigned xk, unsigned wk) { return xk + wk; }
  __device__ static int product(const unsigned char* t, unsigned xk, unsigned wk) { return lutAt(t, offset(xk, wk)); }
};

struct WeightMajor {
  static constexpr bool kUsesTable = true;
  __device__ static unsigned xKey(int a) { return static_cast<unsigned>(a) << 1; }
  __device__ static unsigned wKey(int b) { return static_cast<unsigned>(b) << 9; }
  static constexpr unsigned kXDummy = 0u, kWDummy = 256u << 9;
  __device__ static unsigned offset(unsigned xk, unsigned wk) { return xk + wk; }
  __device__ static int product(const unsigned char* t, unsigned xk, unsigned wk) { return lutAt(t, offset(xk, wk)); }
};

struct XorSwizzled {
  static constexpr bool kUsesTable = true;
  // (a mod 32) << 2 flips word bits 0..4 (byte bits 2..6) and leaves byte bit 1 (b's bit 0) alone, so
  // u16 pairs stay together; a*512 has zero low 9 bits, so one XOR forms the address.
  __device__ static unsigned xKey(int a) { return (static_cast<unsigned>(a) << 9) | ((static_cast<unsigned>(a) & 31u) << 2); }
  __device__ static unsigned wKey(int b) { return static_cast<unsigned>(b) << 1; }
  static constexpr unsigned kXDummy = 256u << 9, kWDummy = 0u;
  __device__ static unsigned offset(unsigned xk, unsigned wk) { return xk ^ wk; }
  __device__ static int product(const unsigned char* t, unsigned xk, unsigned wk) { return lutAt(t, offset(xk, wk)); }
};

// The twin: keys are the codes, the product is a multiply, no table in shared memory.
struct ExactProduct {
  static constexpr bool kUsesTable = false;
  __device__ static unsigned xKey(int a) { return static_cast<unsigned>(a); }
  __device__ static unsigned wKey(int b) { return static_cast<unsigned>(b); }
  static constexpr unsigned kXDummy = 0u, kWDummy = 0u;
  __device__ static int product(const unsigned char*, unsigned xk, unsigned wk) { return static_cast<int>(xk * wk); }
};

// Copies the global table (index a*256+b) into its shared-memory layout and zeroes the dummy block.
// Runs once per block of a persistent grid, so its cost is amortised over many tiles.
template <class L>
__device__ void stageTable(unsigned char* smem, const unsigned short* __restrict__ table) {
  if constexpr (L::kUsesTable) {
    for (int i = threadIdx.x + threadIdx.y * blockDim.x; i < 65536; i += blockDim.x * blockDim.y) {
      const int a = i >> 8, b = i & 255;
      const unsigned addr = L::offset(L::xKey(a), L::wKey(b));
      *reinterpret_cast<unsigned short*>(smem + addr) = __ldg(table + i);
    }
    for (unsigned i = threadIdx.x + threadIdx.y * blockDim.x; i < kZeroBytes / 4; i += blockDim.x * blockDim.y)
      reinterpret_cast<unsigned*>(smem + kTableBytes)[i] = 0u;
  }
}

}  // namespace cudalut
