/**
 * The 256x256 uint16 product table as the webgpu engine stores it: two entries per 32-bit word
 * (entry `2i` in the low half, `2i+1` in the high half), as an int32 tensor because tfjs has no uint32 dtype.
 * Halving the buffer to 128 KiB keeps more of it in the GPU's L1/L2 than one entry per word would.
 */
export const packedLutWords = 32768;

/** Packs `products` (65536 entries, index `a*256+b`) two per word. */
export const packLut = (products: Uint16Array): Int32Array => {
  if (products.length !== 65536) throw new Error(`a multiplier table has 65536 entries, got ${products.length}`);
  const words = new Int32Array(packedLutWords);
  for (let i = 0; i < packedLutWords; i++) words[i] = (products[2 * i] as number) | ((products[2 * i + 1] as number) << 16);
  return words;
};

/** WGSL: `lutAt(qx, qw)` reads entry `qx*256+qw` of the packed table bound as `lut: array<i32>`. */
export const lutLookupWgsl = `
  fn lutAt(qx : i32, qw : i32) -> i32 {
    let i = u32(qx * 256 + qw);
    let word = bitcast<u32>(lut[i >> 1u]);
    return i32((word >> ((i & 1u) * 16u)) & 0xffffu);
  }
`;
