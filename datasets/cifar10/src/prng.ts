import * as t from 'io-ts';

const Uint32 = new t.Type<number, number, unknown>(
  'Uint32',
  (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 0 && u <= 0xffffffff,
  (u, c) => (typeof u === 'number' && Number.isInteger(u) && u >= 0 && u <= 0xffffffff ? t.success(u) : t.failure(u, c)),
  (n) => n,
);

/**
 * The whole state of the generator (xoshiro128**, four 32-bit words), as plain data so a
 * search checkpoint can store it and resume the exact same stream.
 */
export const RngState = t.readonly(
  t.type({ algorithm: t.literal('xoshiro128**'), words: t.readonly(t.tuple([Uint32, Uint32, Uint32, Uint32])) }),
);
export type RngState = t.TypeOf<typeof RngState>;

/** A seeded generator; `state()` is a snapshot that `createRng` resumes from. */
export interface Rng {
  /** Next uniform 32-bit unsigned integer. */
  readonly nextUint32: () => number;
  /** Next uniform float in [0, 1) with 32 bits of resolution. */
  readonly nextFloat: () => number;
  /** Next uniform integer in [0, n), unbiased (rejection sampling). */
  readonly nextInt: (n: number) => number;
  readonly state: () => RngState;
}

/**
 * Expands a numeric seed into a generator state with splitmix32, so nearby seeds give unrelated streams.
 * @example createRng(seedState(42)).nextInt(10) // same number on every run
 */
export const seedState = (seed: number): RngState => {
  let x = seed >>> 0;
  const next = (): number => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const words: [number, number, number, number] = [next(), next(), next(), next()];
  // xoshiro must not start from all zeros.
  if (words.every((w) => w === 0)) words[0] = 1;
  return { algorithm: 'xoshiro128**', words };
};

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/** A generator resuming from `state` (or from a numeric seed). */
export const createRng = (from: RngState | number): Rng => {
  const s = Uint32Array.from((typeof from === 'number' ? seedState(from) : from).words);
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const tt = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= tt;
    s[3] = rotl(s[3]!, 11);
    return result;
  };
  const nextInt = (n: number): number => {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) throw new RangeError(`nextInt: n must be an integer in 1..2^32, got ${n}`);
    // Reject the top sliver of the 32-bit range so every residue is equally likely.
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const r = nextUint32();
      if (r < limit) return r % n;
    }
  };
  return {
    nextUint32,
    nextFloat: () => nextUint32() / 0x100000000,
    nextInt,
    state: () => ({ algorithm: 'xoshiro128**', words: [s[0]!, s[1]!, s[2]!, s[3]!] }),
  };
};

/** Fisher-Yates shuffle into a new array; the input is left as it was. */
export const shuffled = <T extends Int32Array | number[]>(items: T, rng: Rng): T => {
  const out = items.slice() as T;
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
};
