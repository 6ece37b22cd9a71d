// GPU-host benchmark of the approximate convolutions on the search network's shapes (8 cells, C = 16) at each
// `--batch` (default 64): tfjs's exact conv (fp32) vs the WGSL approximate kernels for the paper's four multipliers,
// both table layouts. Prints a table and writes <out>/webgpu-<gpu>.json after every shape, so a run stopped at its
// time limit keeps what it measured. The search step itself is measured by `approx-darts search --profile`
// (bench/device/run.sh).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setupWebgpu, exitWebgpu } from '../../libs/engine-webgpu/src/webgpu-setup';
import { registerWebgpuKernels } from '../../libs/engine-webgpu/src/register';
import { ApproxConv2D, ApproxDepthwiseConv2D, type ApproxConvAttrs } from '../../libs/kernels/src/kernel-names';
import { registerTable } from '../../libs/kernels/src/table-registry';
import { benchArgs, gpuSlug, writeJsonAtomically } from './bench-args';

const args = benchArgs();
const engine = await setupWebgpu().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  return exitWebgpu(2);
});

const multipliers = ['mul8u_1JFF', 'mul8u_2AC', 'mul8u_NGR', 'mul8u_DM1'] as const;
for (const name of multipliers) {
  const buf = readFileSync(join(args.lutDir, `${name}.bin`));
  registerTable({ name, products: new Uint16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)) });
}

interface Shape {
  readonly op: string;
  readonly kind: 'depthwise' | 'conv2d';
  readonly hw: number;
  readonly c: number;
  readonly k: number;
  readonly dilation: number;
}
// The approximate convolutions of sep_conv_3x3/5x5 and dil_conv_3x3/5x5 at the three resolutions of the network.
const allShapes: Shape[] = [
  [32, 16],
  [16, 32],
  [8, 64],
].flatMap(([hw = 0, c = 0]) => [
  { op: 'sep 3x3 depthwise', kind: 'depthwise' as const, hw, c, k: 3, dilation: 1 },
  { op: 'sep 5x5 depthwise', kind: 'depthwise' as const, hw, c, k: 5, dilation: 1 },
  { op: 'dil 3x3 depthwise', kind: 'depthwise' as const, hw, c, k: 3, dilation: 2 },
  { op: 'dil 5x5 depthwise', kind: 'depthwise' as const, hw, c, k: 5, dilation: 2 },
  { op: 'pointwise 1x1', kind: 'conv2d' as const, hw, c, k: 1, dilation: 1 },
]);
const shapes = allShapes.slice(0, args.shapes ?? allShapes.length);

const iterations = args.quick ? 3 : 20;
const timeIt = async (run: () => tf.Tensor): Promise<number> => {
  for (let i = 0; i < 2; i++) await tf.tidy(run).data().then(() => undefined);
  const t0 = performance.now();
  let last: tf.Tensor | undefined;
  for (let i = 0; i < iterations; i++) {
    last?.dispose();
    last = tf.tidy(run);
  }
  await last?.data();
  last?.dispose();
  return (performance.now() - t0) / iterations;
};

const file = join(args.outDir, `webgpu-${gpuSlug(engine.adapter)}.json`);
const rows: { batch: number; shape: string; multiplier: string; layout: string; ms: number; imagesPerSecond: number; gmacs: number }[] = [];
const save = (complete: boolean): void =>
  writeJsonAtomically(file, { adapter: engine.adapter, date: new Date().toISOString(), batches: args.batches, iterations, complete, rows });
for (const batch of args.batches)
  for (const layout of ['packed', 'workgroup'] as const) {
    registerWebgpuKernels(layout);
    for (const s of shapes) {
      const x = tf.randomNormal([batch, s.hw, s.hw, s.c]) as tf.Tensor4D;
      const filter = tf.randomNormal(s.kind === 'conv2d' ? [1, 1, s.c, s.c] : [s.k, s.k, s.c, 1]) as tf.Tensor4D;
      const macs = batch * s.hw * s.hw * s.c * (s.kind === 'conv2d' ? s.c : s.k * s.k);
      const label = `${s.op} ${s.hw}x${s.hw}x${s.c}`;
      const record = (multiplier: string, layoutName: string, ms: number): void => {
        rows.push({ batch, shape: label, multiplier, layout: layoutName, ms, imagesPerSecond: (batch * 1000) / ms, gmacs: macs / ms / 1e6 });
      };
      if (layout === 'packed') {
        const exact = (): tf.Tensor =>
          s.kind === 'conv2d' ? tf.conv2d(x, filter, 1, 'same') : tf.depthwiseConv2d(x, filter, 1, 'same', 'NHWC', s.dilation);
        record('fp32', 'tfjs', await timeIt(exact));
      }
      for (const name of multipliers) {
        const attrs: ApproxConvAttrs = { strides: [1, 1], dilations: [s.dilation, s.dilation], pad: 'same', tableId: name, quantization: 'asymmetric', perChannel: false };
        const kernel = s.kind === 'conv2d' ? ApproxConv2D : ApproxDepthwiseConv2D;
        // The kernel's first output is the convolution (the others are the gradient's operands, kernel-names.ts).
        record(name, layout, await timeIt(() => (tf.engine().runKernel(kernel, { x, filter, range: tf.tensor1d([]) }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[])[0] as tf.Tensor));
      }
      tf.dispose([x, filter]);
      save(false);
    }
  }

console.log(`approximate convolutions on ${engine.adapter}, batch ${args.batches.join(', ')}, ${iterations} iterations`);
console.log('batch'.padEnd(6) + 'shape'.padEnd(30) + 'multiplier'.padEnd(12) + 'layout'.padEnd(11) + 'ms'.padStart(9) + 'img/s'.padStart(11) + 'GMAC/s'.padStart(9));
for (const r of rows)
  console.log(
    String(r.batch).padEnd(6) + r.shape.padEnd(30) + r.multiplier.padEnd(12) + r.layout.padEnd(11) + r.ms.toFixed(3).padStart(9) + r.imagesPerSecond.toFixed(0).padStart(11) + r.gmacs.toFixed(1).padStart(9),
  );
save(true);
console.log(`wrote ${file}`);
exitWebgpu(0);
