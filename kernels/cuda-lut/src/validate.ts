import { CudaLutShapeError } from './errors';
import { type ConvGeometry, type TensorSizes, tensorSizes } from './geometry';

// int32 sums of at most K products <= 65535 stay below 2^31 for K <= 32768
const maxWindow = 32768;

const positive = ['batch', 'inHeight', 'inWidth', 'inChannels', 'filterHeight', 'filterWidth', 'outChannels', 'strideHeight', 'strideWidth', 'dilationHeight', 'dilationWidth', 'outHeight', 'outWidth'] as const;

/** Throws CudaLutShapeError naming the first field the kernels cannot take; returns the tensor sizes. */
export const checkGeometry = (g: ConvGeometry): TensorSizes => {
  if (g.kind !== 'conv2d' && g.kind !== 'depthwise') throw new CudaLutShapeError(`geometry.kind must be 'conv2d' or 'depthwise', got ${String(g.kind)}`);
  for (const f of positive)
    if (!Number.isInteger(g[f]) || g[f] < 1) throw new CudaLutShapeError(`geometry.${f} must be a positive integer, got ${g[f]}`);
  for (const f of ['padTop', 'padLeft'] as const)
    if (!Number.isInteger(g[f]) || g[f] < 0) throw new CudaLutShapeError(`geometry.${f} must be a non-negative integer, got ${g[f]}`);
  if (g.kind === 'depthwise' && g.outChannels % g.inChannels !== 0)
    throw new CudaLutShapeError(`depthwise geometry: outChannels ${g.outChannels} is not a multiple of inChannels ${g.inChannels}`);
  const sizes = tensorSizes(g);
  if (sizes.window > maxWindow) throw new CudaLutShapeError(`window of ${sizes.window} terms exceeds ${maxWindow}: int32 sums could overflow`);
  if (Math.max(sizes.x, sizes.w, sizes.out) >= 2 ** 31) throw new CudaLutShapeError('tensors of 2^31 or more elements are not supported');
  return sizes;
};

/** Throws CudaLutShapeError unless `array` has exactly `expected` elements. */
export const checkLength = (what: string, array: { readonly length: number }, expected: number): void => {
  if (array.length !== expected) throw new CudaLutShapeError(`${what} has ${array.length} elements, the geometry needs ${expected}`);
};

/** A multiplier table: 65536 uint16 entries, index a*256+b. */
export const checkTable = (table: Uint16Array): void => checkLength('table', table, 65536);

/** The code read outside the image must be a uint8 code. */
export const checkPadCode = (padCode: number): void => {
  if (!Number.isInteger(padCode) || padCode < 0 || padCode > 255) throw new CudaLutShapeError(`padCode must be an integer in 0..255, got ${padCode}`);
};
