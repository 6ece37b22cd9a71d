// Images/s of one bi-level search step (architecture step + weight step, first order) on the cpu engine at the
// search network's shapes (C = 16, 8 cells, 32x32), fp32 against each of the paper's four multipliers.
// Usage: npx tsx bench/search-cpu.ts [batch] [steps]   (defaults: batch 1, 1 timed step after 0 untimed)
// Writes bench/results/search-cpu.json.
import * as tf from '@tensorflow/tfjs-core';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { loadMultiplierTable } from '@approx-darts/io';
import { approxDartsSpace, DARTS_SPACE, type SearchSpace } from '@approx-darts/search-space';
import { PAPER_SEARCH_PLAN } from '@approx-darts/schedule';
import { architectureStep, alphaParams, readBatchStats, weightParams, weightStep } from '@approx-darts/run';
import { buildSearchNetwork, disposeParams } from '@approx-darts/networks';
import { bindOptimizer, disposeOptimizer } from '@approx-darts/optimizers';
import { selectEngine } from '@approx-darts/engines';
import { type ApproxBinding } from '@approx-darts/kernels';

const batch = Number(process.argv[2] ?? 1);
const steps = Number(process.argv[3] ?? 1);
const MULTIPLIERS = ['mul8u_1JFF', 'mul8u_NGR', 'mul8u_2AC', 'mul8u_DM1'] as const;

const measure = async (space: SearchSpace, binding: ApproxBinding | null): Promise<number> => {
  const net = buildSearchNetwork(space, { seed: 0, bindingOf: (op) => ('multiplier' in op && op.multiplier !== undefined ? binding : null) });
  const wOpt = bindOptimizer(PAPER_SEARCH_PLAN.weights, weightParams(net));
  const aOpt = bindOptimizer(PAPER_SEARCH_PLAN.architecture, alphaParams(net));
  const x = tf.randomNormal([batch, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32');
  const start = performance.now();
  for (let s = 0; s < steps; s++) {
    // As the search loop does: both halves queued, then their statistics read once.
    await readBatchStats([
      architectureStep(net, { x, y }, aOpt, 1e-4, undefined),
      weightStep(net, { x, y }, wOpt, 0.1),
    ]);
  }
  const seconds = (performance.now() - start) / 1000;
  disposeOptimizer(wOpt);
  disposeOptimizer(aOpt);
  tf.dispose([x, y]);
  disposeParams(net.store);
  // Each step pushes the batch through the network twice (architecture batch + weight batch), as in a search.
  return (2 * batch * steps) / seconds;
};

const engine = await selectEngine('cpu');
const rows: { multiplier: string; imagesPerSecond: number; secondsPerStep: number; ratioToFp32: number }[] = [];
const fp32 = await measure(DARTS_SPACE, null);
rows.push({ multiplier: 'fp32', imagesPerSecond: fp32, secondsPerStep: (2 * batch) / fp32, ratioToFp32: 1 });
console.log(`fp32: ${fp32.toFixed(3)} img/s`);
for (const name of MULTIPLIERS) {
  const table = await loadMultiplierTable(name);
  const ips = await measure(approxDartsSpace(name), { table, quantization: 'asymmetric', perChannelWeights: false });
  rows.push({ multiplier: name, imagesPerSecond: ips, secondsPerStep: (2 * batch) / ips, ratioToFp32: ips / fp32 });
  console.log(`${name}: ${ips.toFixed(3)} img/s`);
}
console.table(rows.map((r) => ({ ...r, imagesPerSecond: r.imagesPerSecond.toFixed(3), secondsPerStep: r.secondsPerStep.toFixed(1), ratioToFp32: r.ratioToFp32.toFixed(3) })));
await mkdir('bench/results', { recursive: true });
await writeFile(
  'bench/results/search-cpu.json',
  `${JSON.stringify(
    {
      bench: 'search-cpu',
      what: 'images/s of one first-order search step (architecture step + weight step, each a forward+backward of the batch) of the DARTS search network',
      network: { cells: 8, channels: 16, image: [32, 32, 3], classes: 10 },
      batch,
      stepsTimed: steps,
      engine: engine.name,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      note: 'the machine is shared by several engineers: absolute numbers are noisy, ratios less so',
      date: new Date().toISOString(),
      results: rows,
    },
    null,
    2,
  )}\n`,
);
process.exit(0);
