/** A WebGPU device error (validation, out of memory, internal, or a lost device) that the engine turned into a throw. */
export class WebgpuDeviceError extends Error {
  override readonly name = 'WebgpuDeviceError';
}

/** The part of a GPUDevice the guard uses. */
interface ScopedDevice {
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope(): Promise<{ readonly message: string } | null>;
  readonly lost: Promise<{ readonly reason: string; readonly message: string }>;
}

/** The part of tfjs's WebGPUBackend the guard wraps: every `data()`/`array()` of a tensor ends in `read`. */
interface ReadingBackend {
  read(dataId: object): Promise<unknown>;
}

const filters = ['validation', 'out-of-memory', 'internal'] as const;

/**
 * Makes device errors loud. tfjs-backend-webgpu never looks at them, so a rejected command buffer (a zero-size
 * binding, a shader Tint refuses) silently leaves its outputs, and the neighbouring dispatches of the same submit,
 * as zeros. The guard keeps one error scope of each kind open for the life of the backend; every read pops them,
 * re-opens them, and throws the first error caught since the previous read, so a result computed after a device
 * error is never returned. Reads are the only place the host sees GPU results, so nothing escapes between them.
 */
export const guardDeviceErrors = (device: ScopedDevice, backend: ReadingBackend): void => {
  let lost: string | undefined;
  void device.lost.then((info) => {
    lost = `the GPU device was lost (${info.reason}): ${info.message}`;
  });
  for (const f of filters) device.pushErrorScope(f);
  const collect = async (): Promise<string | undefined> => {
    // Pop in reverse push order, then re-open at once (synchronously) so no command lands outside a scope.
    const pending = [...filters].reverse().map(() => device.popErrorScope());
    for (const f of filters) device.pushErrorScope(f);
    const errors = await Promise.all(pending);
    return errors.find((e) => e !== null)?.message;
  };
  const read = backend.read.bind(backend);
  backend.read = async (dataId: object): Promise<unknown> => {
    const values = await read(dataId);
    const error = await collect();
    if (error !== undefined) throw new WebgpuDeviceError(`webgpu engine: the GPU rejected work, so results would be wrong: ${error.split('\n')[0]}`);
    if (lost !== undefined) throw new WebgpuDeviceError(`webgpu engine: ${lost}`);
    return values;
  };
};
