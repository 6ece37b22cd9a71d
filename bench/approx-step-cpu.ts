// The approximate search step's cost against the fp32 one in process CPU time (robust to a loaded, shared machine,
// where wall-clock figures move by 2-5x): one forward + backward of the search network (the weight step's gradients)
// on the cpu engine at one thread, fp32 and with each table on the native addon's automatic LUT path (byte shuffles
// with AVX-512 VBMI), and mul8u_NGR forced onto the gathers. The configurations alternate within each round; rows give
// medians over rounds.
// Usage: npx tsx bench/approx-step-cpu.ts [networks] [rounds] [tables]   (defaults tiny,paper 3 mul8u_1JFF,mul8u_2AC,mul8u_NGR,mul8u_DM1)
// Writes bench/results/approx-step-cpu.json.
import * as tf from '@tensorflow/tfjs-core';
import { execSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { loadMultiplierTable } from '@approx-darts/io';
import { buildSearchNetwork, disposeParams } from '@approx-darts/networks';
import { selectEngine } from '@approx-darts/engines';
import { gradientsOf, weightParams } from '@approx-darts/run';
import { approxDartsSpace, DARTS_SPACE } from '@approx-darts/search-space';
import { loadCpuNative, nativeLutPath, setNativeThreads } from '@approx-darts/cpu-native';

const networks = (process.argv[2] ?? 'tiny,paper').split(',') as (keyof typeof SHAPES)[];
const rounds = Number(process.argv[3] ?? 3);
const tableNames = (process.argv[4] ?? 'mul8u_1JFF,mul8u_2AC,mul8u_NGR,mul8u_DM1').split(',');
const SHAPES = { tiny: { cells: 3, channels: 4, batch: 16 }, paper: { cells: 8, channels: 16, batch: 8 } } as const;

const engine = await selectEngine('cpu');
setNativeThreads(1);
const native = loadCpuNative();
const automatic = native.ok ? nativeLutPath(native.addon).reason : 'TypeScript kernels';
console.log(`engine: ${engine.detail}, 1 thread; approximate convolution by ${automatic}`);
type MultiplierTable = Awaited<ReturnType<typeof loadMultiplierTable>>;
const tables = new Map<string, MultiplierTable>();
for (const name of tableNames) tables.set(name, await loadMultiplierTable(name));

/** CPU ms of one forward + backward (after one warm-up). */
const cpuMs = (network: keyof typeof SHAPES, table: string | null): number => {
  const shape = SHAPES[network];
  const base = table === null ? DARTS_SPACE : approxDartsSpace(table);
  const space = { ...base, macro: { ...base.macro, cells: shape.cells, channels: shape.channels } };
  const binding = table === null ? null : { table: tables.get(table) as MultiplierTable, quantization: 'asymmetric' as const, perChannelWeights: false };
  const net = buildSearchNetwork(space, { seed: 0, bindingOf: (op) => ('multiplier' in op && op.multiplier !== undefined ? binding : null) });
  const x = tf.randomUniform([shape.batch, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.tensor1d(Array.from({ length: shape.batch }, (_, i) => i % 10), 'int32');
  const once = () => {
    const { grads, stats } = gradientsOf(net, { x, y }, weightParams(net));
    tf.dispose([...Object.values(grads), stats.loss, stats.correct]);
  };
  once();
  const c0 = process.cpuUsage();
  once();
  const c = process.cpuUsage(c0);
  tf.dispose([x, y]);
  disposeParams(net.store);
  return (c.user + c.system) / 1000;
};

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const load0 = loadavg()[0] ?? 0;
const results = networks.map((network) => {
  const configs = ['fp32', ...tableNames, ...(native.ok && tableNames.includes('mul8u_NGR') ? ['mul8u_NGR by gathers'] : [])];
  const ms = new Map<string, number[]>(configs.map((c) => [c, []]));
  for (let round = 0; round < rounds; round++) {
    for (const c of configs) {
      const gathers = c.endsWith('by gathers');
      if (gathers && native.ok) nativeLutPath(native.addon, 'gather');
      ms.get(c)?.push(cpuMs(network, c === 'fp32' ? null : c.replace(' by gathers', '')));
      if (gathers && native.ok) nativeLutPath(native.addon, 'auto');
    }
    console.log(`${network} round ${round + 1}: ${configs.map((c) => `${c} ${(ms.get(c)?.at(-1) as number).toFixed(0)} ms`).join(', ')}`);
  }
  const fp32 = median(ms.get('fp32') ?? []);
  const rows = configs.map((c) => ({ config: c, cpuMs: median(ms.get(c) ?? []), overFp32: median(ms.get(c) ?? []) / fp32, rounds: ms.get(c) }));
  return { network, ...SHAPES[network], rows };
});
console.table(results.flatMap((r) => r.rows.map((row) => ({ network: r.network, config: row.config, 'cpu ms': row.cpuMs.toFixed(0), 'over fp32': row.overFp32.toFixed(2) }))));
await mkdir('bench/results', { recursive: true });
await writeFile(
  'bench/results/approx-step-cpu.json',
  `${JSON.stringify(
    {
      bench: 'approx-step-cpu',
      what: 'process CPU ms of one forward + backward of the search network (the weight step), 1 thread, fp32 and per table (automatic LUT path) and mul8u_NGR by gathers; configurations alternate within a round, medians over rounds',
      command: `npx tsx bench/approx-step-cpu.ts ${process.argv.slice(2).join(' ')}`.trim(),
      commit: execSync('git rev-parse --short HEAD').toString().trim(),
      engine: engine.detail,
      lutPath: automatic,
      cpu: cpus()[0]?.model ?? 'unknown',
      loadAverage1m: { before: load0, after: loadavg()[0] ?? 0 },
      rounds,
      date: new Date().toISOString(),
      results,
    },
    null,
    2,
  )}\n`,
);
process.exit(0);
