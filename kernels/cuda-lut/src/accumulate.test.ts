import { fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  accumulateOnCuda,
  accumulateOnDevice,
  addonStatus,
  approxConvOnDevice,
  cudaAccumulate,
  cudaApproxConv,
  deviceAlloc,
  deviceFree,
  fromDevice,
  tensorSizes,
  toDevice,
  type ConvGeometry,
  type TableLayout,
} from './index';
import type { QuantOptions } from './fused';
import { referenceAccumulation, referenceFused, smallGeometry } from './test-reference';

// These need a CUDA device; CPU-only machines (and CI) skip them with the reason.
const status = addonStatus();
const hasDevice = status.devices > 0;
if (!hasDevice) console.warn(`skipped: GPU comparisons need a CUDA device (${status.detail})`);

const rng = (seed: number) => {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
};
const randomCodes = (n: number, next: () => number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
// An asymmetric table with every bit pattern used, so swapped operands or wrong rows show up.
const scrambled = (next: () => number): Uint16Array => Uint16Array.from({ length: 65536 }, () => Math.floor(next() * 65536));
const exactProducts = Uint16Array.from({ length: 65536 }, (_, i) => (i >> 8) * (i & 255));

const geometries: readonly ConvGeometry[] = [
  smallGeometry({ kind: 'conv2d', batch: 2, size: 7, inC: 5, outC: 40, k: 3, stride: 1, dilation: 1, pad: 1 }),
  smallGeometry({ kind: 'conv2d', batch: 1, size: 9, inC: 33, outC: 16, k: 1, stride: 2, dilation: 1, pad: 0 }),
  smallGeometry({ kind: 'conv2d', batch: 3, size: 8, inC: 3, outC: 7, k: 5, stride: 2, dilation: 2, pad: 4 }),
  smallGeometry({ kind: 'depthwise', batch: 2, size: 9, inC: 36, outC: 36, k: 3, stride: 1, dilation: 2, pad: 2 }),
  smallGeometry({ kind: 'depthwise', batch: 1, size: 8, inC: 5, outC: 10, k: 5, stride: 2, dilation: 1, pad: 2 }),
];
const layouts: readonly TableLayout[] = ['activation-major', 'weight-major', 'xor-swizzled'];

describe.skipIf(!hasDevice)('CUDA accumulation against the plain reference', () => {
  it('cudaAccumulate is defined', () => expect(cudaAccumulate).toBeTypeOf('function'));

  it('matches bit-exactly for every geometry and table layout', () => {
    const next = rng(7);
    const table = scrambled(next);
    for (const g of geometries) {
      const s = tensorSizes(g);
      const x = randomCodes(s.x, next), w = randomCodes(s.w, next), pad = Math.floor(next() * 256);
      const expected = referenceAccumulation(g, x, w, pad, table);
      for (const layout of layouts) expect(accumulateOnCuda(g, x, w, pad, table, { layout }), `${g.kind} ${layout}`).toEqual(expected);
    }
  });

  it('the exact twin equals the table path with the exact table', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: geometries.length - 1 }), fc.integer(), (i, seed) => {
        const g = geometries[i] as ConvGeometry;
        const next = rng(seed), s = tensorSizes(g);
        const x = randomCodes(s.x, next), w = randomCodes(s.w, next);
        expect(accumulateOnCuda(g, x, w, 3, exactProducts, { product: 'exact' })).toEqual(accumulateOnCuda(g, x, w, 3, exactProducts));
      }),
      { numRuns: 10 },
    );
  });

  it('gives the same sums on device buffers', () => {
    const next = rng(11);
    const g = geometries[0] as ConvGeometry, s = tensorSizes(g), table = scrambled(next);
    const x = randomCodes(s.x, next), w = randomCodes(s.w, next);
    const bufs = { x: toDevice(x), w: toDevice(w), t: toDevice(table), out: deviceAlloc('int32', s.out) };
    accumulateOnDevice(g, bufs.x, bufs.w, 0, bufs.t, bufs.out);
    expect(fromDevice(bufs.out)).toEqual(referenceAccumulation(g, x, w, 0, table));
    Object.values(bufs).forEach(deviceFree);
  });
});

describe.skipIf(!hasDevice)('CUDA fused float path', () => {
  // libs/quantization/SPEC.md: same codes, same integer sums, same binary32 dequantization as the reference.
  it('equals the reference approximate convolution bit for bit, host arrays and device buffers alike', () => {
    const next = rng(3);
    const options: readonly QuantOptions[] = [
      {},
      { quantization: 'symmetric' },
      { quantization: 'asymmetric', perChannelWeights: true },
      { quantization: 'symmetric', perChannelWeights: true, inputRange: [-0.0123, 2.5] },
    ];
    for (const g of geometries)
      for (const o of options) {
        const s = tensorSizes(g);
        // A minimum small next to the maximum, as after a ReLU: the code thresholds round, where engines used to differ.
        const x = Float32Array.from({ length: s.x }, () => Math.max(-0.02, next() * 4 - 1)), w = Float32Array.from({ length: s.w }, () => next() - 0.5);
        const table = scrambled(next);
        const y = cudaApproxConv(g, x, w, { table, ...o });
        expect(y).toEqual(referenceFused(g, x, w, table, o));

        const bufs = { x: toDevice(x), w: toDevice(w), t: toDevice(table), y: deviceAlloc('float32', s.out) };
        approxConvOnDevice(g, bufs.x, bufs.w, bufs.y, { table: bufs.t, ...o });
        expect(fromDevice(bufs.y)).toEqual(y);
        Object.values(bufs).forEach(deviceFree);
      }
  });
});
