// tfjs-backend-cpu's original convolution kernels vs the fast cpu ones (libs/engine-cpu/src), side by
// side in one run, on the shapes of the DARTS search network (3 cells, C=8, the profile-search-step setting).
// Run: npx tsx bench/cpu-fast-conv.ts [--batch N]   -> bench/results/cpu-fast-conv.json
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { convKernels } from '../libs/engine-cpu/src/conv-kernels';
import { medianMs } from './median-ms';

type Pad = 'same' | 'valid';
interface Problem {
  readonly label: string;
  readonly x: readonly [number, number, number, number];
  readonly filter: readonly [number, number, number, number];
  readonly stride: number;
  readonly pad: Pad;
}

const batchArg = process.argv.indexOf('--batch');
const B = batchArg > 0 ? Number(process.argv[batchArg + 1]) : 8;

// Dense: stem 3x3, preprocessing and separable-conv pointwise 1x1s, factorized-reduce 1x1 stride 2.
const dense: readonly Problem[] = [
  { label: 'stem 3x3 3->24 @32', x: [B, 32, 32, 3], filter: [3, 3, 3, 24], stride: 1, pad: 'same' },
  { label: '1x1 24->8 @32', x: [B, 32, 32, 24], filter: [1, 1, 24, 8], stride: 1, pad: 'same' },
  { label: '1x1 8->8 @32', x: [B, 32, 32, 8], filter: [1, 1, 8, 8], stride: 1, pad: 'same' },
  { label: '1x1 32->16 @16', x: [B, 16, 16, 32], filter: [1, 1, 32, 16], stride: 1, pad: 'same' },
  { label: '1x1 s2 8->4 @32', x: [B, 32, 32, 8], filter: [1, 1, 8, 4], stride: 2, pad: 'valid' },
];
// Depthwise: separable/dilated conv taps; the dilated ones run dense on spaceToBatchND output (4x batch, valid pad).
const depthwise: readonly Problem[] = [
  { label: 'dw 3x3 C8 @32', x: [B, 32, 32, 8], filter: [3, 3, 8, 1], stride: 1, pad: 'same' },
  { label: 'dw 5x5 C8 @32', x: [B, 32, 32, 8], filter: [5, 5, 8, 1], stride: 1, pad: 'same' },
  { label: 'dw 3x3 s2 C16 @32', x: [B, 32, 32, 16], filter: [3, 3, 16, 1], stride: 2, pad: 'same' },
  { label: 'dw 3x3 C32 @8', x: [B, 8, 8, 32], filter: [3, 3, 32, 1], stride: 1, pad: 'same' },
  { label: 'dw 3x3 dil2 (s2b) C8 @32', x: [4 * B, 18, 18, 8], filter: [3, 3, 8, 1], stride: 1, pad: 'valid' },
];

const timeIt = (f: () => void): number => medianMs(f, 300, 15);

interface Bound {
  readonly inputs: Record<string, tf.Tensor>;
  readonly attrs: tf.NamedAttrMap;
}

const bind = (kernel: string, p: Problem): Bound => {
  const depthwiseKernel = kernel.startsWith('Depthwise');
  const info = tf.backend_util.computeConv2DInfo([...p.x], [...p.filter], p.stride, 1, p.pad, undefined, depthwiseKernel);
  const x = tf.randomNormal([...p.x]);
  const filter = tf.randomNormal([...p.filter]);
  const dy = tf.randomNormal(info.outShape);
  const base = { strides: [p.stride, p.stride], pad: p.pad, dilations: [1, 1], ...(depthwiseKernel ? {} : { dataFormat: 'NHWC' }) };
  if (kernel.endsWith('BackpropFilter')) return { inputs: { x, dy }, attrs: { ...base, filterShape: [...p.filter] } };
  if (kernel.endsWith('BackpropInput')) return { inputs: { dy, filter }, attrs: { ...base, inputShape: [...p.x] } };
  return { inputs: { x, filter }, attrs: base };
};

const main = async () => {
  await tf.setBackend('cpu');
  const load0 = loadavg()[0] ?? 0;
  const rows = convKernels.flatMap((k) => {
    const original = tf.getKernel(k.kernelName, 'cpu')?.kernelFunc;
    if (original === undefined) throw new Error(`no tfjs kernel ${k.kernelName}`);
    const fast = k.make(original);
    return (k.kernelName.startsWith('Depthwise') ? depthwise : dense).map((p) => {
      const b = bind(k.kernelName, p);
      const call = (f: tf.KernelFunc) => () => {
        const out = f({ inputs: b.inputs, backend: tf.backend(), attrs: b.attrs }) as tf.TensorInfo;
        tf.backend().disposeData(out.dataId);
      };
      const tfjsMs = timeIt(call(original));
      const fastMs = timeIt(call(fast));
      tf.dispose(Object.values(b.inputs));
      const row = { kernel: k.kernelName, problem: p.label, batch: B, tfjsMs: +tfjsMs.toFixed(3), fastMs: +fastMs.toFixed(3), speedup: +(tfjsMs / fastMs).toFixed(1) };
      console.log(`${row.kernel.padEnd(36)} ${row.problem.padEnd(26)} tfjs ${tfjsMs.toFixed(2).padStart(9)} ms  fast ${fastMs.toFixed(2).padStart(8)} ms  x${row.speedup}`);
      return row;
    });
  });
  const load1 = loadavg()[0] ?? 0;
  const result = {
    benchmark: 'cpu-fast-conv',
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, loadAverage1mBefore: load0, loadAverage1mAfter: load1 },
    note:
      'Median ms per kernel call, tfjs-backend-cpu 4.22.0 original kernel vs its fast replacement, same inputs, same process. ' +
      'The machine is shared with other engineers, so absolute times are noisy; the speedup is what matters.',
    rows,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/cpu-fast-conv.json', `${JSON.stringify(result, null, 2)}\n`);
  console.log('wrote bench/results/cpu-fast-conv.json');
};

void main();
