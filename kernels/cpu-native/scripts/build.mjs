#!/usr/bin/env node
// The package's install script: builds build/cpu_native.node with the C++ compiler against oneDNN when both exist.
// It never fails an install: without them (or on a compile error) it says why, records the reason in
// build/not-built.txt for the cpu engine and `doctor`, and exits 0. `--strict` (npm run build) exits 1 instead.
// Sources older than the addon are not rebuilt.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { addonPath, buildDir, cxxFlags, findAddonApi, findCompiler, findDnnl, findNodeHeaders, linkFlags, notBuiltPath, packageDir, sources } from './toolchain.mjs';

const strict = process.argv.includes('--strict');
const force = process.argv.includes('--force');
const log = (m) => console.log(`[cpu-native] ${m}`);

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

const cxx = findCompiler();
if (cxx === undefined) notBuilt('no C++ compiler (install g++)');
const dnnl = findDnnl();
if (dnnl === undefined) notBuilt('oneDNN not found (install libdnnl-dev)');
const nodeHeaders = findNodeHeaders();
if (nodeHeaders === undefined) notBuilt('Node headers (node_api.h) not found; set npm_config_nodedir');
const addonApi = findAddonApi();
if (addonApi === undefined) notBuilt('node-addon-api is not installed');

const inputs = [...sources, ...readdirSync(join(packageDir, 'src/native')).map((f) => join(packageDir, 'src/native', f)), join(packageDir, 'scripts/build.mjs'), join(packageDir, 'scripts/toolchain.mjs')];
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
// one compiler at a time: these machines are small and shared, and there are only a few sources
const objects = [];
for (const src of sources) {
  const obj = join(objDir, `${basename(src)}.o`);
  const r = await run(cxx, [...cxxFlags, `-I${dnnl}`, `-I${nodeHeaders}`, `-I${addonApi}`, '-c', src, '-o', obj]);
  if (!r.ok) notBuilt(`compile error in ${basename(src)}`, r.out);
  objects.push(obj);
}
const link = await run(cxx, [...objects, ...linkFlags, '-o', addonPath]);
if (!link.ok) notBuilt('link error (is libdnnl-dev installed?)', link.out);
log(`built ${addonPath} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
