import { CudaLutShapeError } from './errors';
import { nativeQuant, type QuantOptions } from './fused';
import type { ConvGeometry } from './geometry';
import type { NativeHandle } from './native';
import { checkGeometry, checkPadCode } from './validate';
import { type KernelVariant, native, nativeGeometry, nativeVariant, requireAddon } from './variant';

/** Element types a device buffer may hold, with their host array types. */
export interface DeviceArrays {
  readonly uint8: Uint8Array;
  readonly uint16: Uint16Array;
  readonly int32: Int32Array;
  readonly float32: Float32Array;
}
export type DeviceDType = keyof DeviceArrays;

/** GPU memory holding `length` elements of `dtype`; free it with deviceFree (else it is freed on GC). */
export interface DeviceBuffer<D extends DeviceDType = DeviceDType> {
  readonly dtype: D;
  readonly length: number;
  readonly handle: NativeHandle;
}

const constructors = { uint8: Uint8Array, uint16: Uint16Array, int32: Int32Array, float32: Float32Array } as const;
const dtypeOf = (a: DeviceArrays[DeviceDType]): DeviceDType =>
  a instanceof Uint8Array ? 'uint8' : a instanceof Uint16Array ? 'uint16' : a instanceof Int32Array ? 'int32' : 'float32';

/** Allocates an uninitialised device buffer. */
export const deviceAlloc = <D extends DeviceDType>(dtype: D, length: number): DeviceBuffer<D> => {
  if (!Number.isInteger(length) || length < 0) throw new CudaLutShapeError(`device buffer length must be a non-negative integer, got ${length}`);
  const addon = requireAddon();
  return { dtype, length, handle: native(() => addon.alloc(length * constructors[dtype].BYTES_PER_ELEMENT)) };
};

/** The dtype name of a host array type. */
export type DTypeOf<A> = A extends Uint8Array ? 'uint8' : A extends Uint16Array ? 'uint16' : A extends Int32Array ? 'int32' : 'float32';

/** Copies a host array into a new device buffer. */
export const toDevice = <A extends DeviceArrays[DeviceDType]>(array: A): DeviceBuffer<DTypeOf<A>> => {
  const buffer = deviceAlloc(dtypeOf(array), array.length) as DeviceBuffer<DTypeOf<A>>;
  native(() => requireAddon().upload(buffer.handle, array, 0));
  return buffer;
};

/** Copies a device buffer back into a new host array (waits for the kernels writing it). */
export const fromDevice = <D extends DeviceDType>(buffer: DeviceBuffer<D>): DeviceArrays[D] => {
  const out = new constructors[buffer.dtype](buffer.length) as DeviceArrays[D];
  native(() => requireAddon().download(buffer.handle, out, 0));
  return out;
};

/** Frees device memory now; a freed buffer is rejected by every later call. */
export const deviceFree = (buffer: DeviceBuffer): void => native(() => requireAddon().free(buffer.handle));

/** Waits for every queued kernel; CUDA faults of earlier launches surface here. */
export const deviceSynchronize = (): void => native(() => requireAddon().synchronize());

const expect = (what: string, b: DeviceBuffer, dtype: DeviceDType, length: number): void => {
  if (b.dtype !== dtype) throw new CudaLutShapeError(`${what} must be a ${dtype} device buffer, got ${b.dtype}`);
  if (b.length < length) throw new CudaLutShapeError(`${what} holds ${b.length} elements, the geometry needs ${length}`);
};

/** accumulateOnCuda on device buffers: nothing is copied; the launch is queued (not awaited). */
export const accumulateOnDevice = (
  g: ConvGeometry,
  x: DeviceBuffer<'uint8'>,
  w: DeviceBuffer<'uint8'>,
  padCode: number,
  table: DeviceBuffer<'uint16'>,
  out: DeviceBuffer<'int32'>,
  variant: KernelVariant = {},
): void => {
  const sizes = checkGeometry(g);
  expect('x', x, 'uint8', sizes.x);
  expect('w', w, 'uint8', sizes.w);
  expect('table', table, 'uint16', 65536);
  expect('out', out, 'int32', sizes.out);
  checkPadCode(padCode);
  const addon = requireAddon();
  native(() => addon.accumulateDevice(nativeGeometry(g), g.kind, x.handle, w.handle, padCode, table.handle, out.handle, nativeVariant(variant)));
};

/** cudaApproxConv on device buffers: nothing is copied; the launches are queued (not awaited). */
export const approxConvOnDevice = (
  g: ConvGeometry,
  x: DeviceBuffer<'float32'>,
  w: DeviceBuffer<'float32'>,
  y: DeviceBuffer<'float32'>,
  o: QuantOptions & KernelVariant & { readonly table: DeviceBuffer<'uint16'> | null },
): void => {
  const sizes = checkGeometry(g);
  expect('x', x, 'float32', sizes.x);
  expect('filter', w, 'float32', sizes.w);
  expect('y', y, 'float32', sizes.out);
  if (o.product !== 'exact') {
    if (o.table === null) throw new CudaLutShapeError('a multiplier table buffer is required unless product is exact');
    expect('table', o.table, 'uint16', 65536);
  }
  const quant = nativeQuant(g, o);
  const addon = requireAddon();
  native(() => addon.fusedDevice(nativeGeometry(g), g.kind, x.handle, w.handle, o.table?.handle ?? null, y.handle, quant, nativeVariant(o)));
};
