import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { GpuBackend } from './gpu-backend';
import { packLut, packedLutWords } from './lut-packing';

// One packed table per backend and product array, uploaded once and kept for the life of the backend: the search
// runs thousands of convolutions against the same few tables.
const uploaded = new WeakMap<GpuBackend, WeakMap<Uint16Array, TensorInfo>>();

/** The packed table on the GPU (int32[32768]), uploading it the first time. */
export const lutTensor = (backend: GpuBackend, products: Uint16Array): TensorInfo => {
  let perBackend = uploaded.get(backend);
  if (perBackend === undefined) {
    perBackend = new WeakMap();
    uploaded.set(backend, perBackend);
  }
  let info = perBackend.get(products);
  if (info === undefined) {
    info = backend.makeTensorInfo([packedLutWords], 'int32', packLut(products));
    perBackend.set(products, info);
  }
  return info;
};
