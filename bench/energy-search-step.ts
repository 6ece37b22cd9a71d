// Cost of the energy-aware search's shared-weight multiplier mix: seconds per first-order bi-level step (architecture
// step with the energy term + weight step) of the tiny search network (3 cells, C = 4, batch 16), on one multiplier
// against the mix of three, timed alternately in one run so both see the same machine load.
// Usage: npx tsx bench/energy-search-step.ts [steps] [batch]   (defaults: 3 timed steps each after one untimed, batch 16)
// Writes bench/results/energy-search-step.json.
import * as tf from '@tensorflow/tfjs-core';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { loadMultiplierTable } from '@approx-darts/io';
import { approxDartsSpace, DARTS_SPACE, type SearchSpace } from '@approx-darts/search-space';
import { searchEnergyTable } from '@approx-darts/energy';
import { TINY_SEARCH_PLAN } from '@approx-darts/schedule';
import { alphaParams, architectureStep, energyPenalty, readBatchStats, weightParams, weightStep } from '@approx-darts/run';
import { buildSearchNetwork, disposeParams } from '@approx-darts/networks';
import { bindOptimizer, disposeOptimizer } from '@approx-darts/optimizers';
import { selectEngine } from '@approx-darts/engines';
import { type ApproxBinding } from '@approx-darts/kernels';

const steps = Number(process.argv[2] ?? 3);
const NAMES = ['mul8u_1JFF', 'mul8u_NGR', 'mul8u_DM1'] as const;
const POWER = { mul8u_1JFF: 0.391, mul8u_NGR: 0.276, mul8u_DM1: 0.195 } as const;
const tiny = (s: SearchSpace): SearchSpace => ({ ...s, macro: { ...s.macro, cells: 3, channels: 4 } });
const batch = Number(process.argv[3] ?? 16);

const engine = await selectEngine('cpu');
const bindings = await Promise.all(NAMES.map(async (n): Promise<ApproxBinding> => ({ table: await loadMultiplierTable(n), quantization: 'asymmetric', perChannelWeights: false })));
const ngr = bindings[1] as ApproxBinding;

const setup = (mixed: boolean) => {
  const space = mixed ? tiny(DARTS_SPACE) : tiny(approxDartsSpace('mul8u_NGR'));
  const net = mixed ? buildSearchNetwork(space, { seed: 0, multipliers: bindings }) : buildSearchNetwork(space, { seed: 0, bindingOf: (op) => ('multiplier' in op && op.multiplier !== undefined ? ngr : null) });
  const penalty = mixed ? energyPenalty(net, searchEnergyTable(space, NAMES.map((name) => ({ name, powerMw: POWER[name] }))), 10) : undefined;
  const wOpt = bindOptimizer(TINY_SEARCH_PLAN.weights, weightParams(net));
  const aOpt = bindOptimizer(TINY_SEARCH_PLAN.architecture, alphaParams(net));
  const x = tf.randomNormal([batch, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32');
  const step = async (): Promise<number> => {
    const start = performance.now();
    await readBatchStats([
      architectureStep(net, { x, y }, aOpt, 3e-4, undefined, penalty?.fn),
      weightStep(net, { x, y }, wOpt, 0.025),
    ]);
    return (performance.now() - start) / 1000;
  };
  const dispose = () => {
    penalty?.dispose();
    disposeOptimizer(wOpt);
    disposeOptimizer(aOpt);
    tf.dispose([x, y]);
    disposeParams(net.store);
  };
  return { step, dispose };
};

const single = setup(false);
const mixed = setup(true);
await single.step();
await mixed.step();
const times = { single: [] as number[], mixed: [] as number[] };
for (let s = 0; s < steps; s++) {
  times.single.push(await single.step());
  times.mixed.push(await mixed.step());
}
single.dispose();
mixed.dispose();
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const rows = [
  { search: 'one multiplier (mul8u_NGR)', secondsPerStep: median(times.single), ratio: 1 },
  { search: 'mix of 1JFF, NGR, DM1 + energy term', secondsPerStep: median(times.mixed), ratio: median(times.mixed) / median(times.single) },
];
console.table(rows.map((r) => ({ ...r, secondsPerStep: r.secondsPerStep.toFixed(2), ratio: r.ratio.toFixed(2) })));
await mkdir('bench/results', { recursive: true });
await writeFile(
  'bench/results/energy-search-step.json',
  `${JSON.stringify(
    {
      bench: 'energy-search-step',
      what: 'median seconds per first-order bi-level step of the tiny search network (3 cells, C=4), one multiplier against the shared-weight mix of three with the energy term, timed alternately',
      engine: engine.name,
      batch,
      stepsTimed: steps,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      note: 'the machine is shared by several engineers: absolute numbers are noisy, the side-by-side ratio less so',
      date: new Date().toISOString(),
      times,
      results: rows,
    },
    null,
    2,
  )}\n`,
);
process.exit(0);
