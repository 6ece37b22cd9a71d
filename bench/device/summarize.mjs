// Builds the device run's summary.json (bench/device/run.sh) from its work folder: the step records of steps.jsonl,
// each with the figures its folder holds. Plain Node, no packages: on the GPU host it runs on the carried Node alone.
//   node bench/device/summarize.mjs WORK_DIR OUT_FILE
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [work, outFile] = process.argv.slice(2);
if (work === undefined || outFile === undefined) {
  process.stderr.write('usage: summarize.mjs WORK_DIR OUT_FILE\n');
  process.exit(2);
}

const text = (path) => (existsSync(path) ? readFileSync(path, 'utf8') : '');
const json = (path) => {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
};
const jsonLines = (s) =>
  s.split('\n').flatMap((l) => {
    try {
      return l.trim().startsWith('{') ? [JSON.parse(l)] : [];
    } catch {
      return [];
    }
  });
const filesIn = (dir, pattern) => (existsSync(dir) ? readdirSync(dir).filter((f) => pattern.test(f)).map((f) => join(dir, f)) : []);
const firstJson = (dir, pattern) => filesIn(dir, pattern).map(json).find((v) => v !== undefined);
const linesStarting = (s, prefix) => s.split('\n').filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length).trim());

/** The figures of one step, by its name; undefined where the step left none. */
const figures = (name, dir) => {
  const output = text(join(dir, 'output.txt'));
  if (name === 'host')
    return { gpus: linesStarting(output, 'gpu:'), nodeOnPath: linesStarting(output, 'node on PATH:')[0], id: linesStarting(output, 'id:')[0], icdFiles: linesStarting(output, 'icd:'), libraries: linesStarting(output, 'ldconfig:') };
  if (name === 'setup') return { node: output.split('\n').find((l) => /^v\d+\./.test(l)), pack: jsonLines(output.replace(/\n\s+/g, ' '))[0] };
  if (name === 'vulkan-driver') return { chosen: linesStarting(output, 'chosen:')[0], refused: linesStarting(output, 'refused:'), absent: linesStarting(output, 'absent:') };
  if (name === 'doctor') {
    const report = (() => {
      try {
        return JSON.parse(output.slice(output.indexOf('{'), output.lastIndexOf('}') + 1));
      } catch {
        return undefined;
      }
    })();
    return report && { engines: report.engines, cpuNative: report.cpuNative?.detail, cudaAddon: report.cudaAddon?.detail };
  }
  if (name === 'webgpu-conformance') {
    const r = firstJson(dir, /^webgpu-conformance-.*\.json$/);
    return r && { adapter: r.adapter, complete: r.complete, casesPerTable: r.casesPerTable, tables: new Set(r.rows.map((x) => x.table)).size, layouts: [...new Set(r.rows.map((x) => x.layout))], cases: r.rows.reduce((a, x) => a + x.cases, 0), mismatches: r.rows.reduce((a, x) => a + x.mismatches, 0), firstMismatch: r.rows.find((x) => x.firstMismatch)?.firstMismatch };
  }
  if (name === 'cuda-lut' || name === 'cuda-lut-pytorch') {
    const r = firstJson(name === 'cuda-lut' ? dir : join(dir, '..', 'cuda-lut'), /^cuda-.*\.json$/);
    return {
      correctness: linesStarting(output, 'correctness:').concat(linesStarting(output, 'fused correctness:')),
      device: r?.device,
      pytorch: r?.pytorch,
      shapes: r?.shapes?.map((s) => ({ name: s.name, lutTmacPerS: s.bestLutGmacPerS / 1000, lutOverExact: s.lutOverExact, ms: s.ms, lutOverPytorch: s.lutOverPytorch, pytorchTmacPerS: s.pytorchTmacPerS })),
    };
  }
  if (name.startsWith('pytorch-step')) return jsonLines(output).at(-1);
  if (name === 'webgpu-kernels') {
    const r = firstJson(dir, /^webgpu-.*\.json$/);
    return r && { adapter: r.adapter, complete: r.complete, batches: r.batches, iterations: r.iterations, rows: r.rows };
  }
  if (name.startsWith('search-')) {
    const epochs = jsonLines(text(join(dir, 'run', 'metrics.jsonl')));
    const profile = json(join(dir, 'run', 'profile.json'));
    const last = epochs.at(-1);
    const topKernels = profile && Object.entries(profile.byKernel).sort((a, b) => b[1].ms - a[1].ms).slice(0, 10);
    const { space: _space, ...config } = json(join(dir, 'run', 'run-config.json')) ?? {};
    return {
      config,
      epochs: epochs.length,
      imagesPerSecond: last?.imagesPerSecond,
      epochSeconds: last?.seconds,
      progress: output.split('\n').filter((l) => /img\/s/.test(l)).at(-1),
      profile: profile && { engine: profile.engine, steps: profile.steps, perStep: profile.perStep, topKernelsByMs: Object.fromEntries(topKernels) },
    };
  }
  return undefined;
};

const records = jsonLines(text(join(work, 'steps.jsonl')));
const steps = records.filter((r) => r.name !== 'total').map((r) => ({ ...r, figures: figures(r.name, join(work, r.name)) ?? null }));
const total = records.find((r) => r.name === 'total');
const doctor = steps.find((s) => s.name === 'doctor')?.figures;
const host = steps.find((s) => s.name === 'host')?.figures;
const summary = {
  complete: total !== undefined,
  seconds: total?.seconds ?? null,
  date: new Date().toISOString(),
  gpu: host?.gpus?.[0] ?? null,
  adapter: doctor?.engines?.find((e) => e.name === 'webgpu')?.detail ?? null,
  counts: Object.fromEntries(['ok', 'skipped', 'timeout', 'failed'].map((k) => [k, steps.filter((s) => s.status === k).length])),
  steps,
};
writeFileSync(outFile, `${JSON.stringify(summary, null, 2)}\n`);
