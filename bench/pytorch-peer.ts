// The peer comparison: images/s of one first-order bi-level search step (architecture step + weight step), our cpu
// engine against PyTorch on the CPU, side by side in one run and at the same thread count. The peer is this
// repository's own PyTorch version of the search network (bench/pytorch/darts_search_step.py: same operations,
// shapes and optimizers), run with Debian's python3-torch through /usr/bin/python3. Each network is measured peer,
// then ours fp32, then ours mul8u_NGR, so load on a shared machine hits all three alike; the triple is repeated for
// several rounds and each column reports its median round (all rounds are in the JSON).
// Usage: npx tsx bench/pytorch-peer.ts [threads] [timed steps] [networks] [label] [rounds]
//   threads: default 2 (PyTorch's torch.set_num_threads and the native addon's OpenMP threads);
//   timed steps: default 3 (after one untimed warm-up step each); networks: tiny,paper (default both);
//   rounds: default 3.
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
import { setNativeThreads } from '@approx-darts/cpu-native';

const threads = Number(process.argv[2] ?? 2);
const timedSteps = Number(process.argv[3] ?? 3);
const networks = (process.argv[4] ?? 'tiny,paper').split(',') as (keyof typeof SHAPES)[];
const label = process.argv[5] || undefined;
const rounds = Number(process.argv[6] ?? 3);

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
const ngr = await loadMultiplierTable('mul8u_NGR');

interface Row {
  readonly network: string;
  readonly batch: number;
  readonly pytorchImagesPerSecond: number | null;
  readonly oursFp32ImagesPerSecond: number;
  readonly oursNgrImagesPerSecond: number;
  readonly fp32VsPytorch: number | null;
  readonly ngrStepOverFp32Step: number;
  /** Every round's figures, in the order measured (the row holds their medians). */
  readonly rounds: readonly { readonly pytorch: number | null; readonly fp32: number; readonly ngr: number }[];
}
const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const rows: Row[] = [];
let torchVersion: string | null = null;
for (const network of networks) {
  const measured: { pytorch: number | null; fp32: number; ngr: number }[] = [];
  for (let round = 0; round < rounds; round++) {
    const peer = missing === undefined ? runPeer(network) : undefined;
    if (peer !== undefined) torchVersion = peer.torch;
    const fp32 = await runOurs(network, DARTS_SPACE, null);
    const approx = await runOurs(network, approxDartsSpace('mul8u_NGR'), { table: ngr, quantization: 'asymmetric', perChannelWeights: false });
    measured.push({ pytorch: peer?.imagesPerSecond ?? null, fp32: fp32.imagesPerSecond, ngr: approx.imagesPerSecond });
    console.log(`${network} round ${round + 1}: pytorch ${peer?.imagesPerSecond.toFixed(2) ?? '-'} img/s, ours fp32 ${fp32.imagesPerSecond.toFixed(2)}, ours mul8u_NGR ${approx.imagesPerSecond.toFixed(2)}`);
  }
  const peerMedian = missing === undefined ? median(measured.map((m) => m.pytorch as number)) : null;
  const fp32Median = median(measured.map((m) => m.fp32));
  const ngrMedian = median(measured.map((m) => m.ngr));
  rows.push({
    network,
    batch: SHAPES[network].batch,
    pytorchImagesPerSecond: peerMedian,
    oursFp32ImagesPerSecond: fp32Median,
    oursNgrImagesPerSecond: ngrMedian,
    fp32VsPytorch: peerMedian === null ? null : fp32Median / peerMedian,
    // images/s are inverse step times: the NGR step over the fp32 step
    ngrStepOverFp32Step: fp32Median / ngrMedian,
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
    'ours NGR img/s': fmt(r.oursNgrImagesPerSecond, 2),
    'fp32 vs pytorch': fmt(r.fp32VsPytorch, 2),
    'NGR step / fp32 step': fmt(r.ngrStepOverFp32Step, 2),
  })),
);
await mkdir('bench/results', { recursive: true });
await writeFile(
  `bench/results/pytorch-peer${label === undefined ? '' : `-${label}`}.json`,
  `${JSON.stringify(
    {
      bench: 'pytorch-peer',
      what: 'images/s of one first-order bi-level search step (architecture step + weight step on a batch each), fp32, ours (cpu engine) and PyTorch CPU side by side; ours mul8u_NGR and its step time over the fp32 step; medians over rounds',
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
