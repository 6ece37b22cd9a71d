#!/usr/bin/env node
// Bundles the CLI and the webgpu bench scripts into single ES module files under dist/, so a GPU host needs only a
// Node binary and this folder:
//   dist/approx-darts.mjs                   the CLI (tfjs, commander, ... inlined)
//   dist/bench-webgpu-conformance.mjs        bench/webgpu/conformance.ts
//   dist/bench-webgpu.mjs                    bench/webgpu/bench.ts
//   dist/node_modules/webgpu/                Dawn for Node (index.js + dist/linux-x64/dawn.node), kept external
//   dist/cuda-lut/cuda_lut.node              the CUDA addon, when it was built here
// Run from the repo root: node scripts/bundle.mjs [--minify] [--xz-dawn] [--out DIR (default dist)]
// --xz-dawn stores dawn.node xz-compressed (20.5 -> ~5 MB) for the 64 MiB device copy; bench/device/run.sh unpacks it.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const outFlag = process.argv.indexOf('--out');
const out = outFlag > 0 && process.argv[outFlag + 1] !== undefined ? resolve(process.argv[outFlag + 1]) : join(root, 'dist');
const minify = process.argv.includes('--minify');
const xzDawn = process.argv.includes('--xz-dawn');

// tfjs's node builds use require() for Node built-ins; an ES module bundle needs a real require for them.
const banner = [
  "import { createRequire as __approxCreateRequire } from 'node:module';",
  'const require = __approxCreateRequire(import.meta.url);',
].join('\n');

// The CUDA addon is found relative to its own source file (kernels/cuda-lut/build); inside the bundle that file is
// dist/approx-darts.mjs, so point it at dist/cuda-lut instead.
const cudaAddonDir = {
  name: 'cuda-addon-dir',
  setup(b) {
    b.onLoad({ filter: /kernels[\\/]cuda-lut[\\/]src[\\/]native\.ts$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      const from = "resolve(dirname(fileURLToPath(import.meta.url)), '..', 'build')";
      if (!src.includes(from)) return { contents: src, loader: 'ts', warnings: [{ text: 'cuda-lut native.ts changed: the bundled CUDA addon path was not rewritten' }] };
      return { contents: src.replace(from, "resolve(dirname(fileURLToPath(import.meta.url)), 'cuda-lut')"), loader: 'ts' };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  banner: { js: banner },
  minify,
  sourcemap: false,
  legalComments: 'none',
  // Loaded at run time only: Dawn (native, next to the bundle), tfjs-node (downloads libtensorflow), headless gl,
  // resvg (native; only `multipliers show --png` needs it).
  external: ['webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'gl', '@resvg/resvg-js', '*.node'],
  plugins: [cudaAddonDir],
  logLevel: 'warning',
  // tsx resolves extensionless TypeScript imports; esbuild does the same with these.
  resolveExtensions: ['.ts', '.mts', '.js', '.mjs', '.cjs', '.json'],
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const entries = [
  ['apps/cli/src/main.ts', 'approx-darts.mjs'],
  ['bench/webgpu/conformance.ts', 'bench-webgpu-conformance.mjs'],
  ['bench/webgpu/bench.ts', 'bench-webgpu.mjs'],
];
for (const [entry, file] of entries) await build({ ...common, entryPoints: [join(root, entry)], outfile: join(out, file) });

// Dawn: the package's ESM shim and the linux-x64 binary only (the package ships five platforms, ~100 MB).
const webgpu = join(root, 'node_modules', 'webgpu');
const dawnOut = join(out, 'node_modules', 'webgpu');
if (existsSync(join(webgpu, 'dist', 'linux-x64', 'dawn.node'))) {
  mkdirSync(join(dawnOut, 'dist', 'linux-x64'), { recursive: true });
  copyFileSync(join(webgpu, 'index.js'), join(dawnOut, 'index.js'));
  const pkg = JSON.parse(readFileSync(join(webgpu, 'package.json'), 'utf8'));
  writeFileSync(join(dawnOut, 'package.json'), JSON.stringify({ name: pkg.name, version: pkg.version, type: 'module', main: 'index.js' }, null, 2));
  const dawn = join(dawnOut, 'dist', 'linux-x64', 'dawn.node');
  copyFileSync(join(webgpu, 'dist', 'linux-x64', 'dawn.node'), dawn);
  if (xzDawn) {
    const xz = spawnSync('xz', ['-T2', '-6', '-f', dawn], { stdio: 'inherit' });
    if (xz.status !== 0) throw new Error('bundle: xz failed on dawn.node');
  }
} else {
  console.warn('bundle: node_modules/webgpu/dist/linux-x64/dawn.node not found; the bundle will report the webgpu engine as unavailable');
}

const addon = join(root, 'kernels', 'cuda-lut', 'build', 'cuda_lut.node');
if (existsSync(addon)) {
  mkdirSync(join(out, 'cuda-lut'), { recursive: true });
  copyFileSync(addon, join(out, 'cuda-lut', 'cuda_lut.node'));
}

const sizes = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sizes(join(dir, d.name)) : [[join(dir, d.name), statSync(join(dir, d.name)).size]]));
let total = 0;
for (const [path, size] of sizes(out)) {
  total += size;
  console.log(`${(size / 2 ** 20).toFixed(1).padStart(6)} MiB  ${path.startsWith(root) ? path.slice(root.length + 1) : path}`);
}
console.log(`${(total / 2 ** 20).toFixed(1).padStart(6)} MiB  total`);
