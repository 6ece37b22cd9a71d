// The WGSL programs of the webgpu engine, run through the real tfjs webgpu backend on an emulated device: tfjs
// assembles each shader exactly as it would on a GPU, the test parses it (wgsl_reflect) and checks its bindings and
// uniforms against what the backend uploads, and the barrier-free programs are executed by the WGSL interpreter and
// compared with the reference. Nothing here says the shaders compile under Dawn/Tint or run fast: see docs/GPU.md.
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type * as TF from '@tensorflow/tfjs-core';
import { WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';
import {
  dequantizeAccumulations,
  filterCodeSums,
  geometryFor,
  referenceAccumulate,
  referenceWindowSums,
  type ConvGeometry,
} from '@approx-darts/approx-conv';
import { affineFor, fakeQuantizeInto, quantizeInto, threshold, type AffineParams, type QuantMode } from '@approx-darts/quantization';
import { fakeQuantizeProgram } from '../../libs/backend/src/webgpu/fake-quantize-program';
import { lutConvProgram, lutConvUniforms, type LutLayout, type LutOutput } from '../../libs/backend/src/webgpu/lut-conv-program';
import { packLut } from '../../libs/backend/src/webgpu/lut-packing';
import { quantizeProgram } from '../../libs/backend/src/webgpu/quantize-program';
import { rangeProgram, rangeUniforms } from '../../libs/backend/src/webgpu/range-program';
import type { GpuBackend } from '../../libs/backend/src/webgpu/gpu-backend';
import { installEmulatedGpu, type EmulatorLog } from './emulated-gpu';

const lutDir = resolve(process.cwd(), '../shared/multipliers');
const tableFiles = readdirSync(lutDir).filter((f) => f.endsWith('.bin'));
const readTable = (file: string): Uint16Array => {
  const bytes = readFileSync(resolve(lutDir, file));
  return new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

let log: EmulatorLog;
let tf: typeof TF;
let backend: GpuBackend;

beforeAll(async () => {
  log = installEmulatedGpu();
  tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  expect(await tf.setBackend('webgpu')).toBe(true);
  backend = tf.backend() as unknown as GpuBackend;
});

const lastShader = (): WgslReflect => {
  const code = log.shaders.at(-1);
  if (code === undefined) throw new Error('no shader was compiled');
  return new WgslReflect(code);
};

const fieldType = (r: WgslReflect, name: string): string | undefined => {
  const uniforms = r.uniforms.find((u) => u.name === 'uniforms');
  return uniforms?.members?.find((m) => m.name === name)?.type.getTypeName();
};

// Each program-defined uniform must be a declared field of the right type, in the order tfjs packs them.
const expectUniforms = (r: WgslReflect, declared: string, data: { type: string; data: number[] }[]): void => {
  const names = declared.split(',').map((s) => s.trim()).filter(Boolean).map((s) => s.split(':')[0]?.trim() ?? '');
  expect(names.length).toBe(data.length);
  const members = r.uniforms.find((u) => u.name === 'uniforms')?.members?.map((m) => m.name) ?? [];
  expect(members.slice(-names.length)).toEqual(names);
  names.forEach((n, i) => {
    const d = data[i];
    const scalar = d?.type === 'int32' ? 'i32' : d?.type === 'uint32' ? 'u32' : 'f32';
    expect(fieldType(r, n)).toBe(d?.data.length === 1 ? scalar : `vec${d?.data.length}${scalar[0]}`);
  });
};

const expectBindings = (r: WgslReflect, inputs: readonly string[]): void => {
  expect(r.entry.compute.map((f) => f.name)).toContain('_start');
  const group = r.getBindGroups()[0] ?? [];
  expect(group[0]?.name).toBe('result');
  inputs.forEach((name, i) => expect(group[i + 1]?.name).toBe(name));
  expect(group[inputs.length + 1]?.name).toBe('uniforms');
};

const geometryArb = (kind: 'conv2d' | 'depthwise') =>
  fc
    .record({
      batch: fc.integer({ min: 1, max: 2 }),
      h: fc.integer({ min: 1, max: 5 }),
      w: fc.integer({ min: 1, max: 5 }),
      inC: fc.integer({ min: 1, max: 3 }),
      out: fc.integer({ min: 1, max: 3 }),
      fh: fc.integer({ min: 1, max: 3 }),
      fw: fc.integer({ min: 1, max: 3 }),
      stride: fc.integer({ min: 1, max: 2 }),
      dilation: fc.integer({ min: 1, max: 2 }),
      pad: fc.constantFrom('same' as const, 'valid' as const),
    })
    .filter((p) => p.pad === 'same' || (p.h >= (p.fh - 1) * p.dilation + 1 && p.w >= (p.fw - 1) * p.dilation + 1))
    .map((p) =>
      geometryFor(kind, [p.batch, p.h, p.w, p.inC], [p.fh, p.fw, p.inC, p.out], {
        strides: p.stride,
        dilations: p.dilation,
        pad: p.pad,
      }),
    );

const filterShape = (g: ConvGeometry): number[] =>
  g.kind === 'conv2d' ? [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels] : [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels / g.inChannels];

const runLutConv = async (
  g: ConvGeometry,
  layout: LutLayout,
  output: LutOutput,
  xq: Uint8Array,
  wq: Uint8Array,
  products: Uint16Array,
  extra: { padCode?: number; xRange?: TF.Tensor; wRange?: TF.Tensor },
  mode: QuantMode = 'asymmetric',
) => {
  const x = tf.tensor(Int32Array.from(xq), [g.batch, g.inHeight, g.inWidth, g.inChannels], 'int32');
  const w = tf.tensor(Int32Array.from(wq), filterShape(g), 'int32');
  const lut = tf.tensor(packLut(products), [32768], 'int32');
  const inputs = output === 'accumulate' ? [x, w, lut] : [x, w, lut, extra.xRange as TF.Tensor, extra.wRange as TF.Tensor];
  const program = lutConvProgram(g, { layout, output, mode });
  const uniforms = lutConvUniforms(g, output, extra.padCode ?? 0);
  const out = tf.engine().makeTensorFromTensorInfo(backend.runWebGPUProgram(program, inputs, output === 'accumulate' ? 'int32' : 'float32', uniforms));
  const values = await out.data();
  const shader = lastShader();
  tf.dispose([x, w, lut, out]);
  return { values, shader, program, uniforms };
};

describe('WGSL LUT convolution (emulated device)', () => {
  it.each(['packed', 'workgroup'] as const)('the %s shaders parse with the bindings and uniforms tfjs uploads', async (layout) => {
    for (const kind of ['conv2d', 'depthwise'] as const)
      for (const output of ['accumulate', 'dequantize'] as const) {
        const g = geometryFor(kind, [1, 3, 3, 2], [3, 3, 2, 2], { strides: 1, dilations: 1, pad: 'same' });
        const ranges = { padCode: 1, xRange: tf.tensor2d([[0, 1]]), wRange: tf.tensor2d([[0, 1]]) };
        const { shader, program, uniforms } = await runLutConv(g, layout, output, new Uint8Array(18), new Uint8Array(filterShape(g).reduce((a, b) => a * b)), new Uint16Array(65536), ranges);
        expectBindings(shader, program.variableNames);
        expectUniforms(shader, program.uniforms ?? '', uniforms);
        // The workgroup copy of the table columns must fit the default WebGPU limit (16 KiB).
        const shared = layout === 'workgroup' ? /array<i32, (\d+)>/.exec(log.shaders.at(-1) ?? '')?.[1] : '0';
        expect(Number(shared) * 4).toBeLessThanOrEqual(16384);
      }
  });

  it.each(['conv2d', 'depthwise'] as const)('packed %s accumulations equal referenceAccumulate bit for bit (random tables, shapes, strides, dilations, padding)', async (kind) => {
    await fc.assert(
      fc.asyncProperty(geometryArb(kind), fc.constantFrom(...tableFiles), fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (g, file, seed) => {
        const rand = fc.sample(fc.integer({ min: 0, max: 255 }), { seed, numRuns: g.batch * g.inHeight * g.inWidth * g.inChannels + filterShape(g).reduce((a, b) => a * b) + 1 });
        const xq = Uint8Array.from(rand.slice(0, g.batch * g.inHeight * g.inWidth * g.inChannels));
        const wq = Uint8Array.from(rand.slice(xq.length, xq.length + filterShape(g).reduce((a, b) => a * b)));
        const padCode = rand.at(-1) ?? 0;
        const products = readTable(file);
        const { values } = await runLutConv(g, 'packed', 'accumulate', xq, wq, products, { padCode });
        expect(Array.from(values)).toEqual(Array.from(referenceAccumulate(g, xq, wq, padCode, products)));
      }),
      { numRuns: 6 },
    );
  }, 120_000);

  it.each(['asymmetric', 'symmetric'] as const)('packed %s dequantized output is the reference dequantization of the same codes, bit for bit', async (mode) => {
    const g = geometryFor('conv2d', [1, 4, 4, 2], [3, 3, 2, 3], { strides: 1, dilations: 2, pad: 'same' });
    const products = readTable('mul8u_NGR.bin');
    const xq = Uint8Array.from({ length: 32 }, (_, i) => (i * 37) % 256);
    const wq = Uint8Array.from({ length: 54 }, (_, i) => (i * 91 + 7) % 256);
    // A minimum small next to the maximum: the thresholds round, the dequantization's terms cancel.
    const xParams = affineFor({ min: -0.0123, max: 2.7 }, mode);
    const wParams = [affineFor({ min: -0.25, max: 0.5 }, mode)];
    const padCode = quantizeInto(xParams, [0])[0] ?? 0;
    const { values } = await runLutConv(g, 'packed', 'dequantize', xq, wq, products, { xRange: tf.tensor2d([[-0.0123, 2.7]]), wRange: tf.tensor2d([[-0.25, 0.5]]) }, mode);
    const acc = referenceAccumulate(g, xq, wq, padCode, products);
    const expected = dequantizeAccumulations(g, acc, referenceWindowSums(g, xq, padCode), filterCodeSums(g, wq), xParams, wParams.concat(wParams, wParams));
    expect(Array.from(values)).toEqual(Array.from(expected));
  }, 60_000);

  it('the workgroup-table shaders are not executed by the emulator (barriers), and say so', () => {
    const skipped = log.skipped.filter((c) => c.includes('columns'));
    if (skipped.length > 0) console.warn(`skipped: ${skipped.length} workgroup-table dispatches not executed on the emulated device (the WGSL interpreter has no barrier semantics); bench/webgpu/conformance.ts checks them on a GPU`);
    expect(skipped.length).toBeGreaterThan(0);
  });
});

describe('WGSL quantization and range programs (emulated device)', () => {
  // Values on and beside the code thresholds of the range, where a division-based rounding would differ, plus NaN,
  // infinities, signed zeros and subnormals.
  const hardValues = (p: AffineParams): Float32Array => {
    const near = Array.from({ length: 255 }, (_, k) => threshold(p, k + 1)).flatMap((t) => [t, Math.fround(t * (1 - 2 ** -23)), Math.fround(t * (1 + 2 ** -23))]);
    const odd = [Number.NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40];
    return Float32Array.from([...near, ...odd, ...Array.from({ length: 100 }, (_, i) => Math.sin(i * 1.7) * 3)]);
  };
  const range = { min: -0.0123, max: 2.7 };

  it.each(['asymmetric', 'symmetric'] as const)('%s codes equal quantizeInto bit for bit, thresholds included', async (mode) => {
    const p = affineFor(range, mode);
    const values = hardValues(p);
    const x = tf.tensor1d(values);
    const bounds = tf.tensor2d([[range.min, range.max]]);
    const out = tf.engine().makeTensorFromTensorInfo(backend.runWebGPUProgram(quantizeProgram([values.length], mode), [x, bounds], 'int32'));
    expect(Array.from(await out.data())).toEqual(Array.from(quantizeInto(p, values)));
    expectBindings(lastShader(), ['values', 'bounds']);
    tf.dispose([x, bounds, out]);
  });

  it.each(['asymmetric', 'symmetric'] as const)('%s fake quantization equals fakeQuantizeInto bit for bit, per channel', async (mode) => {
    const ranges = [range, { min: -3, max: 0.125 }, { min: 4, max: 4 }];
    const params = ranges.map((r) => affineFor(r, mode));
    // Channel c of element i is i % 3: spread each channel's hard values over its positions.
    const perChannel = params.map(hardValues);
    const values = Float32Array.from({ length: 3 * Math.max(...perChannel.map((v) => v.length)) }, (_, i) => {
      const own = perChannel[i % 3] as Float32Array;
      return own[Math.floor(i / 3) % own.length] as number;
    });
    const x = tf.tensor2d(values, [values.length / 3, 3]);
    const bounds = tf.tensor2d(ranges.map((r) => [r.min, r.max]));
    const program = fakeQuantizeProgram(x.shape, mode);
    const out = tf.engine().makeTensorFromTensorInfo(backend.runWebGPUProgram(program, [x, bounds], 'float32'));
    expect(Array.from(await out.data())).toEqual(Array.from(fakeQuantizeInto(params, values)));
    expectBindings(lastShader(), ['values', 'bounds']);
    tf.dispose([x, bounds, out]);
  });

  it.each([false, true])('the range shader (pairs: %s) parses with its bindings and uniforms', async (pairs) => {
    const x = tf.tensor1d(new Float32Array(64));
    const o = { rows: 16, channels: 2, partials: 1, pairs };
    backend.disposeData(backend.runWebGPUProgram(rangeProgram(o), [x], 'float32', rangeUniforms(o)).dataId);
    expectBindings(lastShader(), ['values']);
    expectUniforms(lastShader(), rangeProgram(o).uniforms ?? '', rangeUniforms(o));
    tf.dispose(x);
  });
});
