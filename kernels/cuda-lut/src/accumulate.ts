import type { AccumulateFn, ConvGeometry } from './geometry';
import { cudaAvailable } from './status';
import { checkGeometry, checkLength, checkPadCode, checkTable } from './validate';
import { type KernelVariant, native, nativeGeometry, nativeVariant, requireAddon } from './variant';

/**
 * SUM over each window of table[qx*256+qw] on the GPU, host arrays in and out (AccumulateFn plus a
 * kernel variant). Shapes are checked first (CudaLutShapeError); no device gives a CudaLutError.
 */
export const accumulateOnCuda = (g: ConvGeometry, x: Uint8Array, w: Uint8Array, padCode: number, table: Uint16Array, variant: KernelVariant = {}): Int32Array => {
  const sizes = checkGeometry(g);
  checkLength('x', x, sizes.x);
  checkLength('w', w, sizes.w);
  checkPadCode(padCode);
  checkTable(table);
  const addon = requireAddon();
  return native(() => addon.accumulate(nativeGeometry(g), g.kind, x, w, padCode, variant.product === 'exact' ? null : table, nativeVariant(variant)));
};

/** The contract's CUDA implementation: defined exactly when the addon is built and sees a device. */
export const cudaAccumulate: AccumulateFn | undefined = cudaAvailable() ? (g, x, w, padCode, table) => accumulateOnCuda(g, x, w, padCode, table) : undefined;
