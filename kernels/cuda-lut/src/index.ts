export { addonStatus, cudaAvailable, type AddonStatus } from './status';
export { accumulateOnCuda, cudaAccumulate } from './accumulate';
export { cudaApproxConv, type ApproxConvOptions, type QuantOptions } from './fused';
export {
  accumulateOnDevice,
  approxConvOnDevice,
  deviceAlloc,
  deviceFree,
  deviceSynchronize,
  fromDevice,
  toDevice,
  type DeviceArrays,
  type DeviceBuffer,
  type DeviceDType,
} from './device-buffer';
export { CudaLutError, CudaLutShapeError } from './errors';
export { tensorSizes, type AccumulateFn, type ConvGeometry, type TensorSizes } from './geometry';
export { checkGeometry } from './validate';
export type { KernelVariant, TableLayout } from './variant';
