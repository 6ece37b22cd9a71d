// The peer comparison: images/s of one first-order bi-level search step (architecture step + weight step), our cpu
// engine against PyTorch on the CPU, side by side in one run and at the same thread count. The peer is this
// repository's own PyTorch version of the search network (bench/pytorch/darts_search_step.py: same operations,
// shapes and optimizers), run with Debian's python3-torch through /usr/bin/python3. Each network is measured peer,
// then ours fp32, then ours with each approximate table (the paper's four: mul8u_1JFF, 2AC, NGR, DM1) on the native
// addon's automatic LUT path (byte shuffles where the CPU has AVX-512 VBMI), then mul8u_NGR once more forced onto the
// gathers, so load on a shared machine hits all of them alike; the set is repeated for several rounds and each column
// reports its median round (all rounds are in the JSON).
// Usage: npx tsx bench/pytorch-peer.ts [threads] [timed steps] [networks] [label] [rounds] [tables]
//   threads: default 2 (PyTorch's torch.set_num_threads and the native addon's OpenMP threads);
//   timed steps: default 3 (after one untimed warm-up step each); networks: tiny,paper (default both);
//   rounds: default 3; tables: comma-separated, default mul8u_1JFF,mul8u_2AC,mul8u_NGR,mul8u_DM1.
// Writes bench/results/pytorch-peer.json (pytorch-peer-<label>.json with a label). Without /usr/bin/python3 + torch the peer rows say why and are skipped.
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { execSync } from 'node:child_process';
import { loadMultiplierTable } from '@approx-darts/io';
import { approxDartsSpace, DARTS_SPACE, type SearchSpace } from '@approx-darts/search-space';
import { PAPER_SEARCH_PLAN } from '@approx-darts/schedule';
import { alphaParams, architectureStep, readBatchStats, weightParams, weightStep } from '@approx-darts/run';
import { buildSearchNetwork, disposeParams } from '@approx-darts/networks';
import { bindOptimizer, disposeOptimizer } from '@approx-darts/optimizers';
import { selectEngine } from '@approx-darts/engines';
import { type ApproxBinding } from '@approx-darts/kernels';
import { loadCpuNative, nativeLutPath, setNativeThreads } from '@approx-darts/cpu-native';

const threads = Number(process.argv[2] ?? 2);
const timedSteps = Number(process.argv[3] ?? 3);
const networks = (process.argv[4] ?? 'tiny,paper').split(',') as (keyof typeof SHAPES)[];
const label = process.argv[5] || undefined;
const rounds = Number(process.argv[6] ?? 3);
const tableNames = (process.argv[7] || 'mul8u_1JFF,mul8u_2AC,mul8u_NGR,mul8u_DM1').split(',');

const SHAPES = {
  tiny: { cells: 3, channels: 4, batch: 16 },
  paper: { cells: 8, channels: 16, batch: 8 },
} as const;

const python = '/usr/bin/python3';
const peerScript = 'bench/pytorch/darts_search_step.py';

/** Why the peer cannot run here, or undefined. */
const peerMissing = (): string | undefined => {
  if (!existsSync(python)) return `${python} not found (install python3-torch)`;
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `PyTorch is not importable by ${python} (install python3-torch): ${probe.stderr.trim().split('\n').pop() ?? ''}`;
};

const runPeer = (network: keyof typeof SHAPES): { imagesPerSecond: number; secondsPerStep: number; torch: string } => {
  const s = SHAPES[network];
  const args = [peerScript, '--channels', `${s.channels}`, '--cells', `${s.cells}`, '--batch', `${s.batch}`, '--steps', `${timedSteps}`, '--threads', `${threads}`];
  const r = spawnSync(python, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`peer failed: ${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const parsed = JSON.parse(line) as { imagesPerSecond: number; secondsPerStep: number; torch: string };
  return parsed;
};

const runOurs = async (network: keyof typeof SHAPES, base: SearchSpace, binding: ApproxBinding | null): Promise<{ imagesPerSecond: number; secondsPerStep: number }> => {
  const shape = SHAPES[network];
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
  await step();
  const start = performance.now();
  for (let s = 0; s < timedSteps; s++) await step();
  const secondsPerStep = (performance.now() - start) / 1000 / timedSteps;
  disposeOptimizer(wOpt);
  disposeOptimizer(aOpt);
  tf.dispose([x, y]);
  disposeParams(net.store);
  // Each step pushes the batch through the network twice (architecture batch + weight batch), on both sides.
  return { secondsPerStep, imagesPerSecond: (2 * shape.batch) / secondsPerStep };
};

const engine = await selectEngine('cpu');
const nativeThreads = setNativeThreads(threads);
console.log(`engine: ${engine.detail}`);
console.log(`ours: ${nativeThreads === undefined ? 'TypeScript kernels (native addon not loaded), 1 thread' : `native kernels, ${nativeThreads} threads`}`);
const missing = peerMissing();
if (missing !== undefined) console.log(`skipped: PyTorch peer: ${missing}`);
const tables = await Promise.all(tableNames.map(async (name) => ({ name, table: await loadMultiplierTable(name) })));
const native = loadCpuNative();
const lutPath = native.ok ? nativeLutPath(native.addon) : undefined;
console.log(`approximate convolution: ${lutPath === undefined ? 'TypeScript kernels' : `by ${lutPath.reason}`}`);
// the gathers column exists where the automatic path is another one (byte shuffles)
const gatherColumn = native.ok && lutPath?.path !== 'gather' && tableNames.includes('mul8u_NGR');
const approxStep = (network: keyof typeof SHAPES, name: string) =>
  runOurs(network, approxDartsSpace(name), { table: tables.find((t) => t.name === name)!.table, quantization: 'asymmetric', perChannelWeights: false });

interface Round {
  readonly pytorch: number | null;
  readonly fp32: number;
  /** images/s per table on the automatic LUT path */
  readonly approx: Readonly<Record<string, number>>;
  /** mul8u_NGR forced onto the gathers (null without that column) */
  readonly ngrGathers: number | null;
}
interface Row {
  readonly network: string;
  readonly batch: number;
  readonly pytorchImagesPerSecond: number | null;
  readonly oursFp32ImagesPerSecond: number;
  readonly oursApproxImagesPerSecond: Readonly<Record<string, number>>;
  readonly fp32VsPytorch: number | null;
  /** per table: its step time over the fp32 step (medians) */
  readonly approxStepOverFp32Step: Readonly<Record<string, number>>;
  /** mul8u_NGR's step on the gathers over the fp32 step (null without that column) */
  readonly ngrGathersStepOverFp32Step: number | null;
  /** Every round's figures, in the order measured (the row holds their medians). */
  readonly rounds: readonly Round[];
}
const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const rows: Row[] = [];
let torchVersion: string | null = null;
for (const network of networks) {
  const measured: Round[] = [];
  for (let round = 0; round < rounds; round++) {
    const peer = missing === undefined ? runPeer(network) : undefined;
    if (peer !== undefined) torchVersion = peer.torch;
    const fp32 = await runOurs(network, DARTS_SPACE, null);
    const approx: Record<string, number> = {};
    for (const { name } of tables) approx[name] = (await approxStep(network, name)).imagesPerSecond;
    let ngrGathers: number | null = null;
    if (gatherColumn && native.ok) {
      nativeLutPath(native.addon, 'gather');
      ngrGathers = (await approxStep(network, 'mul8u_NGR')).imagesPerSecond;
      nativeLutPath(native.addon, 'auto');
    }
    measured.push({ pytorch: peer?.imagesPerSecond ?? null, fp32: fp32.imagesPerSecond, approx, ngrGathers });
    console.log(
      `${network} round ${round + 1}: pytorch ${peer?.imagesPerSecond.toFixed(2) ?? '-'} img/s, ours fp32 ${fp32.imagesPerSecond.toFixed(2)}, ${tables.map(({ name }) => `${name} ${approx[name]?.toFixed(2)}`).join(', ')}${ngrGathers === null ? '' : `, mul8u_NGR by gathers ${ngrGathers.toFixed(2)}`}`,
    );
  }
  const peerMedian = missing === undefined ? median(measured.map((m) => m.pytorch as number)) : null;
  const fp32Median = median(measured.map((m) => m.fp32));
  const approxMedian = Object.fromEntries(tables.map(({ name }) => [name, median(measured.map((m) => m.approx[name] as number))]));
  const gathersMedian = gatherColumn ? median(measured.map((m) => m.ngrGathers as number)) : null;
  rows.push({
    network,
    batch: SHAPES[network].batch,
    pytorchImagesPerSecond: peerMedian,
    oursFp32ImagesPerSecond: fp32Median,
    oursApproxImagesPerSecond: approxMedian,
    fp32VsPytorch: peerMedian === null ? null : fp32Median / peerMedian,
    // images/s are inverse step times: a table's step over the fp32 step
    approxStepOverFp32Step: Object.fromEntries(tables.map(({ name }) => [name, fp32Median / (approxMedian[name] as number)])),
    ngrGathersStepOverFp32Step: gathersMedian === null ? null : fp32Median / gathersMedian,
    rounds: measured,
  });
}
const fmt = (v: number | null, d: number) => (v === null ? '-' : v.toFixed(d));
console.table(
  rows.map((r) => ({
    network: r.network,
    batch: r.batch,
    'pytorch img/s': fmt(r.pytorchImagesPerSecond, 2),
    'ours fp32 img/s': fmt(r.oursFp32ImagesPerSecond, 2),
    'fp32 vs pytorch': fmt(r.fp32VsPytorch, 2),
    ...Object.fromEntries(tables.map(({ name }) => [`${name.replace('mul8u_', '')} step / fp32`, fmt(r.approxStepOverFp32Step[name] ?? null, 2)])),
    ...(gatherColumn ? { 'NGR by gathers step / fp32': fmt(r.ngrGathersStepOverFp32Step, 2) } : {}),
  })),
);
await mkdir('bench/results', { recursive: true });
await writeFile(
  `bench/results/pytorch-peer${label === undefined ? '' : `-${label}`}.json`,
  `${JSON.stringify(
    {
      bench: 'pytorch-peer',
      what: 'images/s of one first-order bi-level search step (architecture step + weight step on a batch each), fp32, ours (cpu engine) and PyTorch CPU side by side; ours with each approximate table (automatic LUT path) and its step time over the fp32 step, and mul8u_NGR forced onto the gathers; medians over rounds',
      lutPath: lutPath?.reason ?? 'TypeScript kernels',
      command: `npx tsx bench/pytorch-peer.ts ${process.argv.slice(2).join(' ')}`,
      commit: execSync('git rev-parse --short HEAD').toString().trim(),
      engine: engine.detail,
      threads,
      torch: torchVersion,
      peer: missing === undefined ? peerScript : `skipped: ${missing}`,
      timedSteps,
      rounds,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      note: 'the machine is shared; the three figures of a round are measured back to back so load hits them alike, and rows give the median round',
      date: new Date().toISOString(),
      results: rows,
    },
    null,
    2,
  )}\n`,
);
process.exit(0);
