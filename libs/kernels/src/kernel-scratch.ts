// Temporaries of one host kernel call (an approximate convolution's input codes), kept from call to call
// instead of allocated afresh: they never leave the call that fills them, and a JavaScript kernel call runs to its
// end before the next begins. Grown to the largest size asked for under each name.

const buffers = new Map<string, ArrayBuffer>();

const bufferOf = (name: string, bytes: number): ArrayBuffer => {
  const held = buffers.get(name);
  if (held !== undefined && held.byteLength >= bytes) return held;
  const grown = new ArrayBuffer(bytes);
  buffers.set(name, grown);
  return grown;
};

/** A Uint8Array of length `n` for this call only (arbitrary contents; the next call under `name` reuses it). */
export const scratchUint8 = (name: string, n: number): Uint8Array => new Uint8Array(bufferOf(name, n), 0, n);
