// Kernels per first-order bi-level search step (architecture step + weight step), by kernel name, and the step's
// images/s: the tiny preset's network (3 cells, C = 4, batch 16) and the paper's search network (8 cells, C = 16,
// batch 8), fp32 and mul8u_NGR. The counts come from startKernelProfile (libs/run/src/profile), the same counter
// as `search --profile`; they do not depend on the batch or the data, the seconds do.
// Usage: npx tsx bench/lean-step.ts <label> [engine] [networks] [timed steps] [multipliers] [batch]
//   label: names the output, bench/results/lean-step-<label>.json (e.g. before, after)
//   engine: cpu (default) or webgpu; networks: tiny,paper (default both); timed steps: default 1 (the paper network
//   takes about a minute per step on 2 cores), after one untimed warm-up step on the tiny network only;
//   multipliers: fp32,mul8u_NGR (default both); batch: overrides both networks' batch.
import * as tf from '@tensorflow/tfjs-core';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { execSync } from 'node:child_process';
import { loadMultiplierTable } from '@approx-darts/io';
import { approxDartsSpace, DARTS_SPACE, type SearchSpace } from '@approx-darts/search-space';
import { PAPER_SEARCH_PLAN } from '@approx-darts/schedule';
import * as backend from '@approx-darts/kernels';
import { architectureStep, alphaParams, readBatchStats, weightParams, weightStep } from '@approx-darts/run';
import { buildSearchNetwork, disposeParams } from '@approx-darts/networks';
import { bindOptimizer, disposeOptimizer } from '@approx-darts/optimizers';
import { exitWebgpu } from '@approx-darts/engine-webgpu';
import { selectEngine } from '@approx-darts/engines';
import { type ApproxBinding } from '@approx-darts/kernels';

const label = process.argv[2] ?? 'run';
const engineName = (process.argv[3] ?? 'cpu') as 'cpu' | 'webgpu';
const networks = (process.argv[4] ?? 'tiny,paper').split(',');
const timedSteps = Number(process.argv[5] ?? 1);
const multipliers = (process.argv[6] ?? 'fp32,mul8u_NGR').split(',');
// Counts do not depend on the batch: a small one keeps a webgpu run on SwiftShader (software Vulkan) short.
const batchOverride = process.argv[7] === undefined ? undefined : Number(process.argv[7]);

// The profiler landed with this bench; a checkout from before it (run side by side for images/s) times only.
const profiler = (backend as Record<string, unknown>)['startKernelProfile'] as (() => { stop: () => { kernels: number; dispatches: number | null; uploads: number | null; downloads: number | null; byKernel: Record<string, { count: number; ms: number }> } }) | undefined;

const SHAPES = {
  tiny: { cells: 3, channels: 4, batch: 16, warmup: 1 },
  paper: { cells: 8, channels: 16, batch: 8, warmup: 0 },
} as const;

interface Row {
  readonly network: string;
  readonly multiplier: string;
  readonly batch: number;
  readonly kernels: number | null;
  readonly dispatches: number | null;
  readonly uploads: number | null;
  readonly downloads: number | null;
  readonly secondsPerStep: number;
  readonly imagesPerSecond: number;
  readonly top: readonly { readonly kernel: string; readonly count: number; readonly ms: number }[];
}

const measure = async (network: keyof typeof SHAPES, multiplier: string, base: SearchSpace, binding: ApproxBinding | null): Promise<Row> => {
  const shape = { ...SHAPES[network], ...(batchOverride !== undefined ? { batch: batchOverride } : {}) };
  const space = { ...base, macro: { ...base.macro, cells: shape.cells, channels: shape.channels } };
  const net = buildSearchNetwork(space, { seed: 0, bindingOf: (op) => ('multiplier' in op && op.multiplier !== undefined ? binding : null) });
  const wOpt = bindOptimizer(PAPER_SEARCH_PLAN.weights, weightParams(net));
  const aOpt = bindOptimizer(PAPER_SEARCH_PLAN.architecture, alphaParams(net));
  const x = tf.randomNormal([shape.batch, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.tensor1d(Array.from({ length: shape.batch }, (_, i) => i % 10), 'int32');
  // As the search loop does: both halves queued, then their statistics read once.
  const step = () =>
    readBatchStats([
      architectureStep(net, { x, y }, aOpt, 1e-4, undefined),
      weightStep(net, { x, y }, wOpt, 0.1),
    ]);
  for (let s = 0; s < shape.warmup; s++) await step();
  const profile = profiler?.();
  const start = performance.now();
  await step();
  const counted = profile?.stop();
  for (let s = 1; s < timedSteps; s++) await step();
  const secondsPerStep = (performance.now() - start) / 1000 / timedSteps;
  disposeOptimizer(wOpt);
  disposeOptimizer(aOpt);
  tf.dispose([x, y]);
  disposeParams(net.store);
  const top = Object.entries(counted?.byKernel ?? {})
    .slice(0, 15)
    .map(([kernel, t]) => ({ kernel, count: t.count, ms: Math.round(t.ms) }));
  return {
    network,
    multiplier,
    batch: shape.batch,
    kernels: counted?.kernels ?? null,
    dispatches: counted?.dispatches ?? null,
    uploads: counted?.uploads ?? null,
    downloads: counted?.downloads ?? null,
    secondsPerStep,
    // Each step pushes the batch through the network twice (architecture batch + weight batch).
    imagesPerSecond: (2 * shape.batch) / secondsPerStep,
    top,
  };
};

const engine = await selectEngine(engineName);
const ngr = await loadMultiplierTable('mul8u_NGR');
const rows: Row[] = [];
for (const network of networks as (keyof typeof SHAPES)[])
  for (const [multiplier, space, binding] of [
    ['fp32', DARTS_SPACE, null],
    ['mul8u_NGR', approxDartsSpace('mul8u_NGR'), { table: ngr, quantization: 'asymmetric', perChannelWeights: false }],
  ] as const) {
    if (!multipliers.includes(multiplier)) continue;
    const row = await measure(network, multiplier, space, binding);
    rows.push(row);
    console.log(
      `${network} ${multiplier}: ${row.kernels ?? '-'} kernels, ${row.dispatches ?? '-'} dispatches, ${row.uploads ?? '-'} uploads, ${row.downloads ?? '-'} downloads per step; ${row.imagesPerSecond.toFixed(3)} img/s`,
    );
    if (row.top.length > 0) console.table(row.top);
  }
console.table(rows.map(({ top: _top, ...r }) => ({ ...r, secondsPerStep: r.secondsPerStep.toFixed(2), imagesPerSecond: r.imagesPerSecond.toFixed(3) })));
await mkdir('bench/results', { recursive: true });
const commit = execSync('git rev-parse --short HEAD').toString().trim();
await writeFile(
  `bench/results/lean-step-${label}.json`,
  `${JSON.stringify(
    {
      bench: 'lean-step',
      what: 'tfjs kernels (and on webgpu GPU dispatches, uploads, downloads) per first-order bi-level search step (architecture step + weight step), top 15 kernels by count, and the images/s of the step',
      command: `npx tsx bench/lean-step.ts ${process.argv.slice(2).join(' ')}`,
      commit,
      engine: engine.name,
      timedSteps,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      note: 'kernel counts are deterministic; the machine is shared by several engineers, so seconds are noisy',
      date: new Date().toISOString(),
      results: rows,
    },
    null,
    2,
  )}\n`,
);
// Dawn keeps the event loop alive (libs/engine-webgpu/src/webgpu-setup.ts): a webgpu run exits explicitly.
if (engine.name === 'webgpu') exitWebgpu(0);
process.exit(0);
