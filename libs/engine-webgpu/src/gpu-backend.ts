import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** The part of tfjs's WebGPUBackend these kernels use (typed here so the package is only needed at run time). */
export interface GpuBackend {
  runWebGPUProgram(program: WebGPUProgram, inputs: TensorInfo[], outputDtype: DataType, uniforms?: { type: string; data: number[] }[]): TensorInfo;
  makeTensorInfo(shape: number[], dtype: DataType, values: Int32Array | Float32Array): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}
