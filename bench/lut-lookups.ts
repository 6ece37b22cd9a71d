// Table lookups per second per core of the native approximate convolution (kernels/cpu-native's lutConvolve:
// accumulation and dequantization in one pass), by vector gathers and by AVX-512 VBMI byte shuffles, on the
// approximate convolutions of the paper's search network (C = 16, batch 8: its three stages, every depthwise kind
// of sep_conv / dil_conv at stride 1 and 2, and the pointwise 1x1). The two paths alternate call by call, so load on
// a shared machine hits them alike; each figure is a median. One thread (the per-core rate).
// Usage: npx tsx bench/lut-lookups.ts [batch] [table]   (defaults 8, mul8u_NGR). Writes bench/results/lut-lookups.json.
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { geometryFor, type ConvGeometry } from '@approx-darts/approx-conv';
import { loadMultiplierTable } from '@approx-darts/io';
import { loadCpuNative, nativeLutPath, setNativeThreads, type LutPathRequest } from '@approx-darts/cpu-native';

const batch = Number(process.argv[2] ?? 8);
const tableName = process.argv[3] ?? 'mul8u_NGR';
const loaded = loadCpuNative();
if (!loaded.ok) {
  console.log(`skipped: the native addon is not loaded: ${loaded.reason}`);
  process.exit(0);
}
const addon = loaded.addon;
setNativeThreads(1);
const shuffle = nativeLutPath(addon, 'shuffle');
const automatic = nativeLutPath(addon, 'auto');
const paths: readonly LutPathRequest[] = shuffle.path === 'shuffle' ? ['gather', 'shuffle'] : ['gather'];
if (shuffle.path !== 'shuffle') console.log(`skipped: byte shuffles: ${shuffle.reason}`);
const table = (await loadMultiplierTable(tableName)).products;

interface Shape {
  readonly name: string;
  readonly g: ConvGeometry;
}
const shapes: Shape[] = [];
for (const [channels, size] of [
  [16, 32],
  [32, 16],
  [64, 8],
] as const) {
  for (const stride of [1, 2] as const)
    for (const [k, d] of [
      [3, 1],
      [5, 1],
      [3, 2],
      [5, 2],
    ] as const) {
      if (stride === 2 && size === 8) continue;
      shapes.push({ name: `dw ${k}x${k} d${d} s${stride} C${channels} ${size}x${size}`, g: geometryFor('depthwise', [batch, size, size, channels], [k, k, channels, 1], { strides: stride, dilations: d, pad: 'same' }) });
    }
  shapes.push({ name: `pw 1x1 C${channels} ${size}x${size}`, g: geometryFor('conv2d', [batch, size, size, channels], [1, 1, channels, channels], { strides: 1, dilations: 1, pad: 'same' }) });
}

let seed = 27;
const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 24;
const geometryArray = (g: ConvGeometry) =>
  Int32Array.from([g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.outChannels, g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth, g.dilationHeight, g.dilationWidth, g.padTop, g.padLeft, g.kind === 'depthwise' ? 1 : 0]);
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const load0 = loadavg()[0] ?? 0;
const rows = shapes.map(({ name, g }) => {
  const x = Uint8Array.from({ length: g.batch * g.inHeight * g.inWidth * g.inChannels }, next);
  const w = Uint8Array.from({ length: g.filterHeight * g.filterWidth * (g.kind === 'depthwise' ? 1 : g.inChannels) * g.outChannels }, next);
  const f = Float32Array.from({ length: g.outChannels }, () => 1e-3);
  const out = new Float32Array(g.batch * g.outHeight * g.outWidth * g.outChannels);
  const geometry = geometryArray(g);
  const lookups = g.batch * g.outHeight * g.outWidth * g.filterHeight * g.filterWidth * (g.kind === 'depthwise' ? g.outChannels : g.inChannels * g.outChannels);
  const times = new Map<LutPathRequest, number[]>(paths.map((p) => [p, []]));
  for (let rep = 0; rep < 25; rep++)
    for (const p of paths) {
      nativeLutPath(addon, p);
      const t0 = performance.now();
      addon.lutConvolve(geometry, x, w, next(), table, f, f, f, out);
      if (rep > 0) times.get(p)?.push(performance.now() - t0);
    }
  nativeLutPath(addon, 'auto');
  const ms = Object.fromEntries(paths.map((p) => [p, median(times.get(p) ?? [])]));
  const perSecond = Object.fromEntries(paths.map((p) => [p, lookups / ((ms[p] as number) / 1000)]));
  const row = {
    shape: name,
    lookups,
    gatherMs: ms['gather'] as number,
    shuffleMs: (ms['shuffle'] as number | undefined) ?? null,
    gatherLookupsPerSecond: perSecond['gather'] as number,
    shuffleLookupsPerSecond: (perSecond['shuffle'] as number | undefined) ?? null,
    speedup: ms['shuffle'] === undefined ? null : (ms['gather'] as number) / (ms['shuffle'] as number),
  };
  console.log(
    `${name.padEnd(26)} ${(lookups / 1e6).toFixed(2).padStart(6)} M lookups  gathers ${(row.gatherLookupsPerSecond / 1e9).toFixed(2).padStart(5)} G/s` +
      (row.shuffleLookupsPerSecond === null ? '' : `  shuffles ${(row.shuffleLookupsPerSecond / 1e9).toFixed(2).padStart(5)} G/s  ${row.speedup?.toFixed(2)}x`),
  );
  return row;
});
const total = (k: 'gatherMs' | 'shuffleMs') => rows.reduce((a, r) => a + (r[k] ?? 0), 0);
const allLookups = rows.reduce((a, r) => a + r.lookups, 0);
const summary = {
  gatherLookupsPerSecond: allLookups / (total('gatherMs') / 1000),
  shuffleLookupsPerSecond: paths.includes('shuffle') ? allLookups / (total('shuffleMs') / 1000) : null,
  speedupOverAllShapes: paths.includes('shuffle') ? total('gatherMs') / total('shuffleMs') : null,
};
console.log(`all shapes: gathers ${(summary.gatherLookupsPerSecond / 1e9).toFixed(2)} G lookups/s${summary.shuffleLookupsPerSecond === null ? '' : `, shuffles ${(summary.shuffleLookupsPerSecond / 1e9).toFixed(2)} G lookups/s (${summary.speedupOverAllShapes?.toFixed(2)}x)`}, one core`);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/lut-lookups.json',
  `${JSON.stringify(
    {
      bench: 'lut-lookups',
      what: "table lookups per second on one core of the native approximate convolution (lutConvolve: accumulation + dequantization), gathers vs AVX-512 VBMI byte shuffles alternating call by call, medians of 24 calls each, on the paper search network's approximate convolution shapes",
      command: `npx tsx bench/lut-lookups.ts ${process.argv.slice(2).join(' ')}`.trim(),
      commit: execSync('git rev-parse --short HEAD').toString().trim(),
      table: tableName,
      batch,
      cpu: cpus()[0]?.model ?? 'unknown',
      loadAverage1m: { before: load0, after: loadavg()[0] ?? 0 },
      automaticPath: automatic.reason,
      date: new Date().toISOString(),
      summary,
      rows,
    },
    null,
    2,
  )}\n`,
);
process.exit(0);
