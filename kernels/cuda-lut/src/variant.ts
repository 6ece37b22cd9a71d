import { CudaLutError, CudaLutShapeError } from './errors';
import type { ConvGeometry } from './geometry';
import { type NativeAddon, type NativeVariant, loadAddon } from './native';

/** Shared-memory order of the table; see src/cuda/table_layout.cuh for the bank-conflict trade-offs. */
export type TableLayout = 'activation-major' | 'weight-major' | 'xor-swizzled';

/** Which kernel: table products (default, activation-major) or the exact-multiply twin. */
export interface KernelVariant {
  readonly product?: 'lut' | 'exact';
  readonly layout?: TableLayout;
}

const layouts: Readonly<Record<TableLayout, number>> = { 'activation-major': 0, 'weight-major': 1, 'xor-swizzled': 2 };

export const nativeVariant = (v: KernelVariant): NativeVariant => ({ exact: v.product === 'exact', layout: layouts[v.layout ?? 'activation-major'] });

/** The geometry as the addon reads it (it ignores `kind`, which travels separately). */
export const nativeGeometry = (g: ConvGeometry): object => ({ ...g });

/** The loaded addon when a device is present; otherwise a CudaLutError saying why not. */
export const requireAddon = (): NativeAddon => {
  const loaded = loadAddon();
  if (!loaded.ok) throw new CudaLutError(`CUDA LUT kernels unavailable: not built: ${loaded.reason}`);
  if (loaded.status.devices < 1) throw new CudaLutError(`CUDA LUT kernels unavailable: ${loaded.status.detail}`);
  return loaded.addon;
};

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Runs an addon call, mapping its argument errors (TypeError) and CUDA errors (Error) to this package's. */
export const native = <A>(f: () => A): A => {
  try {
    return f();
  } catch (e) {
    if (e instanceof TypeError) throw new CudaLutShapeError(e.message);
    throw new CudaLutError(message(e));
  }
};
