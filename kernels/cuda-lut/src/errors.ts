/** Operands that do not fit the geometry (or a geometry the kernels cannot run), caught before CUDA. */
export class CudaLutShapeError extends Error {
  override readonly name = 'CudaLutShapeError';
}

/** The addon is not built, there is no CUDA device, or a CUDA call failed (the message has the CUDA text). */
export class CudaLutError extends Error {
  override readonly name = 'CudaLutError';
}
