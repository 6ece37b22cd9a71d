#!/usr/bin/env node
// The package's install script: builds build/cuda_lut.node with nvcc + the host compiler when nvcc
// exists. It never fails an install: without nvcc (or on a compile error) it says why, records the
// reason in build/not-built.txt for addonStatus(), and exits 0. `--strict` (npm run build) exits 1
// on a failed build instead. Sources older than the addon are not rebuilt.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { addonPath, buildDir, cudaSources, findAddonApi, findNodeHeaders, findNvcc, hostSources, notBuiltPath, nvccFlags, packageDir } from './toolchain.mjs';

const strict = process.argv.includes('--strict');
const force = process.argv.includes('--force');
const log = (m) => console.log(`[cuda-lut] ${m}`);

const notBuilt = (reason, details = '') => {
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(notBuiltPath, `${reason}\n${details}`);
  log(`not built: ${reason}`);
  if (details) console.log(details.split('\n').slice(-40).join('\n'));
  process.exit(strict ? 1 : 0);
};

const run = (cmd, args) =>
  new Promise((done) => {
    const child = spawn(cmd, args, { cwd: packageDir });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => done({ ok: false, out: `${out}${e.message}` }));
    child.on('close', (code) => done({ ok: code === 0, out }));
  });

// at most `limit` compilers at once (2-core machines are shared)
const pool = async (jobs, limit) => {
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
};

const nvcc = findNvcc();
if (nvcc === undefined) notBuilt('nvcc not found');
const nodeHeaders = findNodeHeaders();
if (nodeHeaders === undefined) notBuilt('Node headers (node_api.h) not found; set npm_config_nodedir');
const addonApi = findAddonApi();
if (addonApi === undefined) notBuilt('node-addon-api is not installed');

const sources = [...cudaSources, ...hostSources];
const inputs = [...sources, ...['src/cuda', 'src/native'].map((d) => join(packageDir, d)), join(packageDir, 'scripts/build.mjs'), join(packageDir, 'scripts/toolchain.mjs')];
if (!force && existsSync(addonPath)) {
  const built = statSync(addonPath).mtimeMs;
  if (inputs.every((f) => statSync(f).mtimeMs < built)) {
    log(`up to date: ${addonPath}`);
    process.exit(0);
  }
}

const started = Date.now();
const objDir = join(buildDir, 'obj');
mkdirSync(objDir, { recursive: true });
rmSync(notBuiltPath, { force: true });
const hostFlags = ['-Xcompiler', '-fexceptions', `-I${nodeHeaders}`, `-I${addonApi}`, '-DNAPI_VERSION=8', '-DNAPI_CPP_EXCEPTIONS', '-DNODE_ADDON_API_DISABLE_DEPRECATED'];
const jobs = sources.map((src) => async () => {
  const obj = join(objDir, `${basename(src)}.o`);
  // host files go through nvcc too, so it supplies the CUDA include and library paths
  const extra = src.endsWith('.cc') ? hostFlags : [];
  const r = await run(nvcc, [...nvccFlags, ...extra, '-c', src, '-o', obj]);
  return { ...r, obj, src };
});
const results = await pool(jobs, Math.max(1, Math.min(availableParallelism(), 4)));
const failed = results.filter((r) => !r.ok);
if (failed.length > 0) notBuilt(`compile error in ${failed.map((r) => basename(r.src)).join(', ')}`, failed.map((r) => r.out).join('\n'));

const link = await run(nvcc, ['-shared', '-cudart', 'static', ...results.map((r) => r.obj), '-o', addonPath]);
if (!link.ok) notBuilt('link error', link.out);
log(`built ${addonPath} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
