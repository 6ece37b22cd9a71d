// A WebGPU device emulated on the CPU, just enough for the tfjs webgpu backend: buffers are ArrayBuffers, every
// shader module's WGSL is recorded, and each dispatch of a barrier-free shader is executed by wgsl_reflect's
// interpreter. It lets the tests run the exact shaders tfjs assembles from our programs on a machine without a GPU;
// it says nothing about speed or driver behaviour. Shaders with workgroupBarrier() are NOT executed (the
// interpreter runs invocations one after another, and its lockstep race detector shares tfjs's per-invocation
// `var<private>` builtins between invocations), so their outputs stay zero and the dispatch is logged as skipped.
import { WgslExec, WgslParser } from 'wgsl_reflect/wgsl_reflect.module.js';

interface FakeBuffer {
  readonly size: number;
  readonly usage: number;
  readonly data: ArrayBuffer;
  mapState: 'unmapped' | 'mapped';
}

type Resource = { buffer: FakeBuffer; offset?: number; size?: number };

interface BindGroup {
  readonly entries: readonly { binding: number; resource: Resource }[];
}

interface Pipeline {
  readonly code: string;
  getBindGroupLayout(i: number): object;
}

/** What the emulator saw: every shader tfjs compiled, every dispatch, and the dispatches it could not execute. */
export interface EmulatorLog {
  readonly shaders: string[];
  readonly dispatches: { code: string; count: [number, number, number] }[];
  readonly skipped: string[];
}

const usage = { MAP_READ: 1, MAP_WRITE: 2, COPY_SRC: 4, COPY_DST: 8, INDEX: 16, VERTEX: 32, UNIFORM: 64, STORAGE: 128, INDIRECT: 256, QUERY_RESOLVE: 512 };

const bytesOf = (r: Resource): ArrayBuffer => {
  const offset = r.offset ?? 0;
  return offset === 0 && (r.size === undefined || r.size === r.buffer.size) ? r.buffer.data : r.buffer.data.slice(offset, offset + (r.size ?? r.buffer.size - offset));
};

const run = (log: EmulatorLog, pipeline: Pipeline, group: BindGroup, count: [number, number, number]): void => {
  log.dispatches.push({ code: pipeline.code, count });
  const bindings: Record<string, ArrayBuffer> = {};
  for (const e of group.entries) bindings[String(e.binding)] = bytesOf(e.resource);
  if (pipeline.code.includes('workgroupBarrier')) {
    log.skipped.push(pipeline.code);
    return;
  }
  const exec = new WgslExec(new WgslParser().parse(pipeline.code));
  exec.dispatchWorkgroups('_start', count, { '0': bindings });
};

/** Installs `navigator.gpu` and the WebGPU globals tfjs reads; returns the log. Call before importing the tfjs webgpu backend. */
export const installEmulatedGpu = (): EmulatorLog => {
  const log: EmulatorLog = { shaders: [], dispatches: [], skipped: [] };
  class GPUBuffer {}
  class GPUTexture {}
  const makeBuffer = (d: { size: number; usage: number; mappedAtCreation?: boolean }): FakeBuffer =>
    Object.assign(Object.create(GPUBuffer.prototype) as object, {
      size: d.size,
      usage: d.usage,
      data: new ArrayBuffer(d.size),
      mapState: d.mappedAtCreation ? 'mapped' : 'unmapped',
      getMappedRange(this: FakeBuffer) {
        return this.data;
      },
      unmap(this: FakeBuffer) {
        this.mapState = 'unmapped';
      },
      async mapAsync(this: FakeBuffer) {
        this.mapState = 'mapped';
      },
      destroy() {},
    }) as FakeBuffer;
  const device = {
    features: new Set<string>(),
    limits: { maxComputeWorkgroupsPerDimension: 65535, maxComputeWorkgroupStorageSize: 16384, maxStorageBufferBindingSize: 1 << 27, maxBufferSize: 1 << 28 },
    queue: {
      writeBuffer: (b: FakeBuffer, offset: number, src: ArrayBuffer | ArrayBufferView, srcOffset = 0, size?: number) => {
        const bytes = src instanceof ArrayBuffer ? new Uint8Array(src) : new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
        new Uint8Array(b.data).set(bytes.subarray(srcOffset, size === undefined ? undefined : srcOffset + size), offset);
      },
      submit: () => {},
      onSubmittedWorkDone: async () => {},
    },
    createBuffer: makeBuffer,
    createShaderModule: ({ code }: { code: string }) => {
      log.shaders.push(code);
      return { code };
    },
    createComputePipeline: ({ compute }: { compute: { module: { code: string } } }): Pipeline => ({ code: compute.module.code, getBindGroupLayout: () => ({}) }),
    createComputePipelineAsync: async ({ compute }: { compute: { module: { code: string } } }): Promise<Pipeline> => ({ code: compute.module.code, getBindGroupLayout: () => ({}) }),
    createBindGroup: (d: BindGroup): BindGroup => d,
    createCommandEncoder: () => ({
      beginComputePass: () => {
        let pipeline: Pipeline | undefined;
        let group: BindGroup | undefined;
        return {
          setPipeline: (p: Pipeline) => (pipeline = p),
          setBindGroup: (_: number, g: BindGroup) => (group = g),
          dispatchWorkgroups: (x: number, y = 1, z = 1) => {
            if (pipeline && group) run(log, pipeline, group, [x, y, z]);
          },
          end: () => {},
        };
      },
      copyBufferToBuffer: (src: FakeBuffer, so: number, dst: FakeBuffer, d: number, size: number) =>
        new Uint8Array(dst.data).set(new Uint8Array(src.data, so, size), d),
      finish: () => ({}),
    }),
    destroy: () => {},
  };
  const adapter = { features: new Set<string>(), limits: device.limits, info: { vendor: 'emulated', architecture: 'wgsl_reflect' }, requestDevice: async () => device };
  Object.assign(globalThis, {
    GPUBufferUsage: usage,
    GPUMapMode: { READ: 1, WRITE: 2 },
    GPUBuffer,
    GPUTexture,
    navigator: { gpu: { requestAdapter: async () => adapter } },
  });
  return log;
};
