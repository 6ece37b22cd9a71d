// GPU-host conformance: WGSL accumulations (both table layouts) vs referenceAccumulate, bit for bit, for every table
// in the LUT directory on random shapes, strides, dilations and paddings. Prints a table, writes
// <out>/webgpu-conformance-<gpu>.json, exits 1 on any mismatch and 2 when the webgpu engine cannot start.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { geometryFor, referenceAccumulate, type ConvGeometry } from '@approx-darts/approx-conv';
import { setupWebgpu, exitWebgpu } from '../../libs/engine-webgpu/src/webgpu-setup';
import { webgpuAccumulate } from '../../libs/engine-webgpu/src/gpu-accumulate';
import { benchArgs, gpuSlug, seeded, writeJsonAtomically } from './bench-args';

const args = benchArgs();
const engine = await setupWebgpu().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  return exitWebgpu(2);
});

const rand = seeded(20240611);
const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

const randomGeometry = (kind: 'conv2d' | 'depthwise'): ConvGeometry => {
  for (;;) {
    const fh = int(1, 5);
    const fw = int(1, 5);
    const dil = int(1, 3);
    const h = int(1, 12);
    const w = int(1, 12);
    const pad = rand() < 0.5 ? ('same' as const) : ('valid' as const);
    if (pad === 'valid' && (h < (fh - 1) * dil + 1 || w < (fw - 1) * dil + 1)) continue;
    const inC = int(1, 9);
    return geometryFor(kind, [int(1, 3), h, w, inC], [fh, fw, inC, int(1, kind === 'conv2d' ? 12 : 3)], { strides: int(1, 3), dilations: dil, pad });
  }
};

const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => int(0, 255));
const tables = readdirSync(args.lutDir)
  .filter((f) => /^mul8u_.*\.bin$/.test(f) && (args.tables === undefined || args.tables.includes(f.replace(/\.bin$/, ''))))
  .sort();
if (tables.length === 0) {
  process.stderr.write(`no tables${args.tables === undefined ? '' : ` named ${args.tables.join(', ')}`} in ${args.lutDir}\n`);
  exitWebgpu(2);
}
const resultFile = join(args.outDir, `webgpu-conformance-${gpuSlug(engine.adapter)}.json`);
const casesPerTable = args.quick ? 2 : 8;
const rows: { table: string; layout: string; cases: number; mismatches: number; firstMismatch?: string }[] = [];

for (const file of tables) {
  const buf = readFileSync(join(args.lutDir, file));
  const table = new Uint16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  for (const layout of ['packed', 'workgroup'] as const) {
    const row: (typeof rows)[number] = { table: file.replace(/\.bin$/, ''), layout, cases: 0, mismatches: 0 };
    for (let i = 0; i < casesPerTable; i++) {
      const g = randomGeometry(i % 2 === 0 ? 'conv2d' : 'depthwise');
      const x = bytes(g.batch * g.inHeight * g.inWidth * g.inChannels);
      const w = bytes(g.filterHeight * g.filterWidth * (g.kind === 'conv2d' ? g.inChannels * g.outChannels : g.outChannels));
      const padCode = int(0, 255);
      const got = await webgpuAccumulate(layout)(g, x, w, padCode, table);
      const want = referenceAccumulate(g, x, w, padCode, table);
      row.cases++;
      const bad = want.findIndex((v, j) => got[j] !== v);
      if (bad >= 0 || got.length !== want.length) {
        row.mismatches++;
        row.firstMismatch ??= `${JSON.stringify(g)} at ${bad}: got ${got[bad]} want ${want[bad]}`;
      }
    }
    rows.push(row);
  }
  writeJsonAtomically(resultFile, { adapter: engine.adapter, date: new Date().toISOString(), casesPerTable, complete: false, rows });
}

const failed = rows.filter((r) => r.mismatches > 0);
console.log(`webgpu conformance on ${engine.adapter}: ${tables.length} tables x 2 layouts x ${casesPerTable} cases`);
console.log('table'.padEnd(14) + 'layout'.padEnd(11) + 'cases'.padStart(6) + 'mismatches'.padStart(12));
for (const r of rows) console.log(r.table.padEnd(14) + r.layout.padEnd(11) + String(r.cases).padStart(6) + String(r.mismatches).padStart(12));
writeJsonAtomically(resultFile, { adapter: engine.adapter, date: new Date().toISOString(), casesPerTable, complete: true, rows });
console.log(`${failed.length === 0 ? 'all bit-exact' : `${failed.length} table/layout pairs MISMATCH`}; wrote ${resultFile}`);
exitWebgpu(failed.length === 0 ? 0 : 1);
