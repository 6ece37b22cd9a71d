// Where an approximate search step's time goes, per tfjs kernel: one forward + backward of the search network (the
// weight step's gradients) under tf.profile, fp32 and with an approximate table, on the cpu engine.
// Usage: npx tsx bench/profile-approx-step.ts [cells] [channels] [batch] [table]   (defaults 8 16 8 mul8u_NGR)
// Writes bench/results/profile-approx-step.json.
import * as tf from '@tensorflow/tfjs-core';
import { execSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadMultiplierTable } from '@approx-darts/io';
import { buildSearchNetwork, disposeParams } from '@approx-darts/networks';
import { selectEngine } from '@approx-darts/engines';
import { gradientsOf, weightParams } from '@approx-darts/run';
import { approxDartsSpace, DARTS_SPACE } from '@approx-darts/search-space';
import { loadCpuNative, nativeLutPath } from '@approx-darts/cpu-native';

const engine = await selectEngine('cpu');
const cells = Number(process.argv[2] ?? 8), C = Number(process.argv[3] ?? 16), B = Number(process.argv[4] ?? 8);
const tableName = process.argv[5] ?? 'mul8u_NGR';
const table = await loadMultiplierTable(tableName);
const native = loadCpuNative();
const lutPath = native.ok ? nativeLutPath(native.addon).reason : 'TypeScript kernels';
console.log(`engine: ${engine.detail}; approximate convolution by ${lutPath}`);

const profileOf = async (approx: boolean) => {
  const base = approx ? approxDartsSpace(tableName) : DARTS_SPACE;
  const space = { ...base, macro: { ...base.macro, cells, channels: C } };
  const binding = { table, quantization: 'asymmetric' as const, perChannelWeights: false };
  const net = buildSearchNetwork(space, { seed: 0, bindingOf: (op) => (approx && 'multiplier' in op && op.multiplier !== undefined ? binding : null) });
  const x = tf.randomUniform([B, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.tensor1d(Array.from({ length: B }, (_, i) => i % 10), 'int32');
  const once = () => {
    const { grads, stats } = gradientsOf(net, { x, y }, weightParams(net));
    tf.dispose([...Object.values(grads), stats.loss, stats.correct]);
  };
  once(); // warm-up: tables, kernels and buffers
  const t0 = performance.now();
  const prof = await tf.profile(once);
  const wallMs = performance.now() - t0;
  const agg = new Map<string, { ms: number; calls: number }>();
  for (const k of prof.kernels) {
    const a = agg.get(k.name) ?? { ms: 0, calls: 0 };
    a.ms += k.kernelTimeMs as number;
    a.calls += 1;
    agg.set(k.name, a);
  }
  tf.dispose([x, y]);
  disposeParams(net.store);
  return { wallMs, kernels: [...agg].map(([name, v]) => ({ name, ms: v.ms, calls: v.calls })).sort((a, b) => b.ms - a.ms) };
};

const fp32 = await profileOf(false);
const approx = await profileOf(true);
const names = [...new Set([...approx.kernels, ...fp32.kernels].map((k) => k.name))];
const rows = names
  .map((name) => ({ name, fp32: fp32.kernels.find((k) => k.name === name), approx: approx.kernels.find((k) => k.name === name) }))
  .sort((a, b) => (b.approx?.ms ?? 0) - (b.fp32?.ms ?? 0) - ((a.approx?.ms ?? 0) - (a.fp32?.ms ?? 0)));
console.log(`fwd+bwd wall ms: fp32 ${fp32.wallMs.toFixed(0)}, ${tableName} ${approx.wallMs.toFixed(0)} (profiled, so slower than unprofiled)`);
console.table(rows.slice(0, 20).map((r) => ({ kernel: r.name, 'fp32 ms': (r.fp32?.ms ?? 0).toFixed(1), [`${tableName} ms`]: (r.approx?.ms ?? 0).toFixed(1), calls: r.approx?.calls ?? 0, 'extra ms': ((r.approx?.ms ?? 0) - (r.fp32?.ms ?? 0)).toFixed(1) })));
await mkdir('bench/results', { recursive: true });
await writeFile(
  'bench/results/profile-approx-step.json',
  `${JSON.stringify(
    {
      bench: 'profile-approx-step',
      what: 'per-kernel time (tf.profile) of one forward + backward of the search network, fp32 and approximate, after a warm-up',
      command: `npx tsx bench/profile-approx-step.ts ${process.argv.slice(2).join(' ')}`,
      commit: execSync('git rev-parse --short HEAD').toString().trim(),
      engine: engine.detail,
      lutPath,
      shape: { cells, channels: C, batch: B },
      table: tableName,
      date: new Date().toISOString(),
      fp32,
      approx,
    },
    null,
    2,
  )}\n`,
);
process.exit(0);
