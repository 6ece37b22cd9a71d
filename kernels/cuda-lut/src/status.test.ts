import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accumulateOnCuda, addonStatus, cudaAccumulate, cudaApproxConv, CudaLutError, deviceAlloc } from './index';
import { smallGeometry } from './test-reference';

// The install script builds the addon exactly when it finds nvcc (same search order).
const nvccFound = [process.env['CUDA_HOME'], process.env['CUDA_PATH']]
  .filter((d): d is string => d !== undefined && d !== '')
  .map((d) => join(d, 'bin'))
  .concat((process.env['PATH'] ?? '').split(delimiter), ['/usr/local/cuda/bin'])
  .some((d) => d !== '' && existsSync(join(d, 'nvcc')));

const status = addonStatus();
const g = smallGeometry({ kind: 'conv2d', batch: 1, size: 4, inC: 2, outC: 3, k: 3, stride: 1, dilation: 1, pad: 1 });

describe('addon status', () => {
  it('is built exactly when nvcc exists, and otherwise says why', () => {
    expect(status.built).toBe(nvccFound);
    if (!status.built) expect(status.detail).toMatch(/^not built: /);
  });

  it('reports either devices with a name or "no CUDA device" with the CUDA error text', () => {
    if (status.devices > 0) expect(status.detail).not.toMatch(/^(not built|no CUDA device)/);
    else expect(status.detail).toMatch(/^(not built: |no CUDA device: .+)/);
  });
});

describe.skipIf(status.devices > 0)('without a CUDA device', () => {
  if (status.devices > 0) console.warn('skipped: a CUDA device is present, the no-device behaviour cannot be observed');

  it('leaves cudaAccumulate undefined', () => {
    expect(cudaAccumulate).toBeUndefined();
  });

  it('throws a CudaLutError carrying the status detail from every entry point', () => {
    const x = new Uint8Array(4 * 4 * 2), w = new Uint8Array(3 * 3 * 2 * 3), table = new Uint16Array(65536);
    const calls = [
      () => accumulateOnCuda(g, x, w, 0, table),
      () => cudaApproxConv(g, new Float32Array(x.length), new Float32Array(w.length), { table }),
      () => deviceAlloc('float32', 16),
    ];
    for (const call of calls) {
      expect(call).toThrow(CudaLutError);
      expect(call).toThrow(status.detail);
    }
  });
});
