// Inference of one exported evaluation network, side by side in one process: this project's cpu engine (eval mode)
// against ONNX Runtime for Node on the `export --format onnx` model of the same weights (fp32, and the
// quantize-dequantize graph of mul8u_1JFF), with the largest relative logit difference of each.
// Usage: npx tsx bench/onnx-runtime.ts [batch] [cells] [channels]   (defaults: 16 images, DARTS_V2, 8 cells, C = 16)
// Writes bench/results/onnx-runtime.json.
import * as tf from '@tensorflow/tfjs-core';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import * as ort from 'onnxruntime-node';
import { DARTS_V2 } from '@approx-darts/genotype';
import { exactTable } from '@approx-darts/multipliers';
import { buildEvalNetwork, disposeParams, restoreParams, snapshotParams } from '@approx-darts/networks';
import { encodeOnnxModel, exportOnnx } from '@approx-darts/interop';
import { selectEngine } from '@approx-darts/engines';

const batch = Number(process.argv[2] ?? 16);
const cells = Number(process.argv[3] ?? 8);
const channels = Number(process.argv[4] ?? 16);
const macro = { cells, channels, stemMultiplier: 3, classes: 10 };
const engine = await selectEngine('cpu');
const reps = 5;

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const timed = async (f: () => Promise<Float32Array>): Promise<{ readonly ms: number; readonly out: Float32Array }> => {
  let out = await f(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    out = await f();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), out };
};
const relative = (a: Float32Array, b: Float32Array): number => Math.max(...Array.from(b, (v, i) => Math.abs((a[i] as number) - v))) / Math.max(...Array.from(b, Math.abs));

const trained = buildEvalNetwork({ genotype: DARTS_V2, macro, seed: 0, auxiliary: false, approx: null });
for (let i = 0; i < 2; i++) tf.tidy(() => void trained.forward(tf.randomNormal([8, 32, 32, 3], 0, 1, 'float32', i) as tf.Tensor4D, 'train'));
const params = await snapshotParams(trained.store);
const x = tf.randomUniform([batch, 32, 32, 3], -1, 1, 'float32', 7) as tf.Tensor4D;
const nchw = new ort.Tensor('float32', Float32Array.from(await tf.transpose(x, [0, 3, 1, 2]).data()), [batch, 3, 32, 32]);

const rows = [];
for (const multiplier of [null, 'mul8u_1JFF'] as const) {
  const net = buildEvalNetwork({ genotype: DARTS_V2, macro, seed: 0, auxiliary: false, approx: multiplier === null ? null : { table: exactTable(), quantization: 'asymmetric', perChannelWeights: false } });
  restoreParams(net.store, params);
  const ours = await timed(async () => {
    const logits = tf.tidy(() => net.forward(x, 'eval').logits);
    const data = (await logits.data()) as Float32Array;
    logits.dispose();
    return data;
  });
  const session = await ort.InferenceSession.create(encodeOnnxModel(exportOnnx({ genotype: DARTS_V2, macro, padding: 'same', params, multiplier, quantization: 'asymmetric' })));
  const theirs = await timed(async () => (await session.run({ images: nchw }))['logits']!.data as Float32Array);
  await session.release();
  disposeParams(net.store);
  rows.push({ multiplier: multiplier ?? 'fp32', engineMs: ours.ms, onnxRuntimeMs: theirs.ms, engineOverOnnxRuntime: ours.ms / theirs.ms, maxRelativeLogitDifference: relative(theirs.out, ours.out) });
}
console.table(rows);
await mkdir('bench/results', { recursive: true });
await writeFile(
  'bench/results/onnx-runtime.json',
  `${JSON.stringify({ command: `npx tsx bench/onnx-runtime.ts ${batch} ${cells} ${channels}`, engine: engine.name, cpus: cpus().length, genotype: 'DARTS_V2', macro, batch, repetitions: reps, results: rows }, null, 2)}\n`,
);
process.exit(0);
