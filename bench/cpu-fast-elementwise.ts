import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { elementwiseKernels } from '../libs/engine-cpu/src/elementwise-kernels';

// tfjs-backend-cpu's original kernel vs the fast replacement, side by side in one run, on the shapes that dominate a
// DARTS search step (3 cells, C=8, batch 8; shapes taken from a tf.profile of bench/profile-search-step.ts).
// Usage: npx tsx bench/cpu-fast-elementwise.ts  -> table on stdout, bench/results/cpu-fast-elementwise.json

await tf.setBackend('cpu');
const byName = new Map(elementwiseKernels.map((k) => [k.kernelName, k]));
const r = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

interface Case { readonly kernel: string; readonly label: string; readonly inputs: () => Record<string, tf.Tensor>; readonly attrs: Record<string, unknown> }
const x8 = [8, 32, 32, 8], x16 = [8, 16, 16, 16];
const cases: Case[] = [
  { kernel: tf.Multiply, label: '[1,1,1,8]*[8,32,32,8]', inputs: () => ({ a: r([1, 1, 1, 8], 1), b: r(x8, 2) }), attrs: {} },
  { kernel: tf.Multiply, label: '[8,32,32,8]*[1]', inputs: () => ({ a: r(x8, 1), b: r([1], 2) }), attrs: {} },
  { kernel: tf.Multiply, label: '[8,32,32,8]*same', inputs: () => ({ a: r(x8, 1), b: r(x8, 2) }), attrs: {} },
  { kernel: tf.Sub, label: '[8,32,32,8]-[1,1,1,8]', inputs: () => ({ a: r(x8, 1), b: r([1, 1, 1, 8], 2) }), attrs: {} },
  { kernel: tf.Add, label: '[8,32,32,8]+same', inputs: () => ({ a: r(x8, 1), b: r(x8, 2) }), attrs: {} },
  { kernel: tf.RealDiv, label: '[8,32,32,8]/[]', inputs: () => ({ a: r(x8, 1), b: tf.scalar(3) }), attrs: {} },
  { kernel: tf.Sum, label: '[8,32,32,8] axes 0,1,2', inputs: () => ({ x: r(x8, 1) }), attrs: { axis: [0, 1, 2], keepDims: false } },
  { kernel: tf.Mean, label: '[8,16,16,16] axes 0,1,2', inputs: () => ({ x: r(x16, 1) }), attrs: { axis: [0, 1, 2], keepDims: false } },
  { kernel: tf.Slice, label: '[8,32,32,16] -> [8,31,31,16]', inputs: () => ({ x: r([8, 32, 32, 16], 1) }), attrs: { begin: [0, 1, 1, 0], size: [8, 31, 31, 16] } },
  { kernel: tf.Slice, label: '[8,18,2,18,2,16] phase', inputs: () => ({ x: r([8, 18, 2, 18, 2, 16], 1) }), attrs: { begin: [0, 0, 1, 0, 1, 0], size: [8, 18, 1, 18, 1, 16] } },
  { kernel: tf.PadV2, label: '[8,31,31,32] -> [8,32,32,32]', inputs: () => ({ x: r([8, 31, 31, 32], 1) }), attrs: { paddings: [[0, 0], [1, 0], [1, 0], [0, 0]], constantValue: 0 } },
  { kernel: tf.SplitV, label: '[8,32,32,32] / 4 on C', inputs: () => ({ x: r([8, 32, 32, 32], 1) }), attrs: { numOrSizeSplits: 4, axis: 3 } },
  { kernel: tf.SpaceToBatchND, label: '[8,32,32,8] block 2 pad 2', inputs: () => ({ x: r(x8, 1) }), attrs: { blockShape: [2, 2], paddings: [[2, 2], [2, 2]] } },
  { kernel: tf.MaxPoolGrad, label: '3x3 s1 same [8,32,32,8]', inputs: () => { const x = r(x8, 1); return { dy: r(x8, 2), input: x, output: tf.maxPool(x as tf.Tensor4D, 3, 1, 'same') }; }, attrs: { filterSize: 3, strides: 1, pad: 'same' } },
  { kernel: tf.MaxPoolGrad, label: '3x3 s2 same [8,32,32,16]', inputs: () => { const x = r([8, 32, 32, 16], 1); return { dy: r(x16, 2), input: x, output: tf.maxPool(x as tf.Tensor4D, 3, 2, 'same') }; }, attrs: { filterSize: 3, strides: 2, pad: 'same' } },
  { kernel: tf.AvgPoolGrad, label: '3x3 s1 same [8,32,32,8]', inputs: () => ({ dy: r(x8, 2), input: r(x8, 1) }), attrs: { filterSize: 3, strides: 1, pad: 'same' } },
  { kernel: tf.AvgPoolGrad, label: '3x3 s2 same [8,32,32,16]', inputs: () => ({ dy: r(x16, 2), input: r([8, 32, 32, 16], 1) }), attrs: { filterSize: 3, strides: 2, pad: 'same' } },
];

const timeMs = (f: tf.KernelFunc, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): number => {
  const once = () => {
    const out = f({ inputs, backend: tf.backend(), attrs: attrs as tf.NamedAttrMap });
    for (const o of Array.isArray(out) ? out : [out]) tf.backend().disposeData(o.dataId);
  };
  once();
  let reps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 300 || reps < 3) { once(); reps++; }
  return (performance.now() - t0) / reps;
};

const rows = cases.map((c) => {
  const k = byName.get(c.kernel);
  const original = tf.getKernel(c.kernel, 'cpu')?.kernelFunc;
  if (k === undefined || original === undefined) throw new Error(`no kernel ${c.kernel}`);
  const inputs = c.inputs();
  const tfjsMs = timeMs(original, inputs, c.attrs), fastMs = timeMs(k.make(original), inputs, c.attrs);
  tf.dispose(Object.values(inputs));
  return { kernel: c.kernel, shape: c.label, tfjsMs: +tfjsMs.toFixed(3), fastMs: +fastMs.toFixed(3), speedup: +(tfjsMs / fastMs).toFixed(1) };
});

console.log(`${'kernel'.padEnd(16)}${'shape'.padEnd(32)}${'tfjs ms'.padStart(10)}${'fast ms'.padStart(10)}${'speedup'.padStart(9)}`);
for (const w of rows) console.log(`${w.kernel.padEnd(16)}${w.shape.padEnd(32)}${w.tfjsMs.toFixed(2).padStart(10)}${w.fastMs.toFixed(2).padStart(10)}${(w.speedup + 'x').padStart(9)}`);
const out = resolve(process.cwd(), 'bench/results');
mkdirSync(out, { recursive: true });
writeFileSync(resolve(out, 'cpu-fast-elementwise.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2) + '\n');
process.exit(0);
