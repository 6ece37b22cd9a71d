// Exact tfjs convolution vs the approximate convolution on the cpu engine, for the shapes of the DARTS search network:
// forward, and forward + backward, as approx/exact time ratios. Run: npx tsx bench/kernels-cpu.ts [--batch N]
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { conv2d, depthwiseConv2d, type ConvOptions } from '@approx-darts/kernels';
import { selectEngine } from '@approx-darts/engines';
import { exactTable } from '@approx-darts/multipliers';
import { medianMs } from './median-ms';

interface Shape {
  readonly op: 'depthwise' | 'pointwise';
  readonly channels: number;
  readonly size: number;
  readonly k: number;
  readonly dilation: number;
}

const batchArg = process.argv.indexOf('--batch');
const batch = batchArg > 0 ? Number(process.argv[batchArg + 1]) : 16;

// C 16/32/64 at 32x32/16x16/8x8 (the search network's three stages).
const stages = [
  [16, 32],
  [32, 16],
  [64, 8],
] as const;
const shapes: readonly Shape[] = stages.flatMap(([channels, size]) => [
  { op: 'depthwise', channels, size, k: 3, dilation: 1 },
  { op: 'depthwise', channels, size, k: 5, dilation: 1 },
  { op: 'depthwise', channels, size, k: 3, dilation: 2 },
  { op: 'depthwise', channels, size, k: 5, dilation: 2 },
  { op: 'pointwise', channels, size, k: 1, dilation: 1 },
]);

const table = exactTable();

const timeIt = (f: () => void): number => medianMs(f, 400, 20);

const main = async () => {
  const engine = await selectEngine('cpu');
  const load0 = loadavg()[0] ?? 0;
  const rows = shapes.map((s) => {
    const x = tf.randomNormal([batch, s.size, s.size, s.channels]) as tf.Tensor4D;
    const w = (s.op === 'depthwise' ? tf.randomNormal([s.k, s.k, s.channels, 1]) : tf.randomNormal([1, 1, s.channels, s.channels])) as tf.Tensor4D;
    const run = (approx: boolean) => (a: tf.Tensor4D, b: tf.Tensor4D) => {
      const o: ConvOptions = { strides: 1, dilation: s.dilation, pad: 'same', approx: approx ? { table, quantization: 'asymmetric', perChannelWeights: false } : null };
      return s.op === 'depthwise' ? depthwiseConv2d(a, b, o) : conv2d(a, b, o);
    };
    // The read happens inside tidy but returns nothing: tidy walks every element of a returned typed array.
    const forward = (approx: boolean) => () =>
      tf.tidy(() => {
        run(approx)(x, w).dataSync();
      });
    const backward = (approx: boolean) => () =>
      tf.tidy(() => {
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(run(approx)(a as tf.Tensor4D, b as tf.Tensor4D)))([x, w]);
        (dx as tf.Tensor).dataSync();
        (dw as tf.Tensor).dataSync();
      });
    const exactF = timeIt(forward(false));
    const approxF = timeIt(forward(true));
    const exactFB = timeIt(backward(false));
    const approxFB = timeIt(backward(true));
    tf.dispose([x, w]);
    const name = s.op === 'depthwise' ? `dw ${s.k}x${s.k} d${s.dilation}` : 'pw 1x1';
    const macs = batch * s.size * s.size * s.channels * (s.op === 'depthwise' ? s.k * s.k : s.channels);
    const row = {
      op: name, channels: s.channels, size: s.size, batch, mmacs: +(macs / 1e6).toFixed(2),
      exactForwardMs: +exactF.toFixed(2), approxForwardMs: +approxF.toFixed(2), forwardRatio: +(approxF / exactF).toFixed(2),
      exactForwardBackwardMs: +exactFB.toFixed(2), approxForwardBackwardMs: +approxFB.toFixed(2), forwardBackwardRatio: +(approxFB / exactFB).toFixed(2),
    };
    console.log(
      `${name.padEnd(11)} C${String(s.channels).padEnd(3)} ${String(s.size).padStart(2)}x${String(s.size).padEnd(2)} ` +
        `fwd exact ${exactF.toFixed(1).padStart(7)} ms approx ${approxF.toFixed(1).padStart(7)} ms ratio ${row.forwardRatio.toFixed(2).padStart(5)} | ` +
        `fwd+bwd exact ${exactFB.toFixed(1).padStart(7)} ms approx ${approxFB.toFixed(1).padStart(7)} ms ratio ${row.forwardBackwardRatio.toFixed(2).padStart(5)}`,
    );
    return row;
  });
  const geomean = (xs: readonly number[]) => Math.exp(xs.reduce((a, v) => a + Math.log(v), 0) / xs.length);
  const summary = {
    forwardRatioGeomean: +geomean(rows.map((r) => r.forwardRatio)).toFixed(2),
    forwardBackwardRatioGeomean: +geomean(rows.map((r) => r.forwardBackwardRatio)).toFixed(2),
  };
  console.log(`geometric mean ratio approx/exact: forward ${summary.forwardRatioGeomean}, forward+backward ${summary.forwardBackwardRatioGeomean}`);
  const load1 = loadavg()[0] ?? 0;
  const result = {
    benchmark: 'kernels-cpu',
    date: new Date().toISOString(),
    engine,
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, loadAverage1mBefore: load0, loadAverage1mAfter: load1 },
    note:
      `batch ${batch} instead of the search's 64 to keep the run short on 2 cores (times scale ~linearly with batch; ratios are what matter). ` +
      `1-minute load average ${load0.toFixed(1)} -> ${load1.toFixed(1)} during the run (2 cores); absolute times are noisy, ratios less so. ` +
      'Medians of repeated runs; exact = the cpu engine\'s float convolution (tfjs-backend-cpu with the fast cpu kernels; dilated ones through the spaceToBatchND composition), ' +
      'approx = ApproxConv2D/ApproxDepthwiseConv2D TypeScript kernel with the exact table, asymmetric per-tensor quantization, straight-through gradient.',
    summary,
    rows,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/kernels-cpu.json', `${JSON.stringify(result, null, 2)}\n`);
  console.log('wrote bench/results/kernels-cpu.json');
};

void main();
