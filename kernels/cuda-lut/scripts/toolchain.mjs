// Where the CUDA compiler and Node headers are, and the flags every build uses. Shared by build.mjs,
// ptxas-report.mjs and the tests (which expect a built addon exactly when nvcc is found).
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const buildDir = join(packageDir, 'build');
export const addonPath = join(buildDir, 'cuda_lut.node');
export const notBuiltPath = join(buildDir, 'not-built.txt');
export const cudaSources = readdirSync(join(packageDir, 'src/cuda')).filter((f) => f.endsWith('.cu')).map((f) => join(packageDir, 'src/cuda', f));
export const hostSources = ['ops.cc', 'addon.cc'].map((f) => join(packageDir, 'src/native', f));

// sm_90 SASS for H100/H200 plus compute_90 PTX so newer GPUs JIT it; the runtime linked statically so the
// addon loads on machines without libcudart (and without a driver: it then reports "no CUDA device").
export const gencode = ['-gencode', 'arch=compute_90,code=[sm_90,compute_90]'];
export const nvccFlags = ['-O3', '-std=c++17', ...gencode, '-Xcompiler', '-fPIC', '-cudart', 'static'];

/** The nvcc to use: $CUDA_HOME/bin, then PATH, then /usr/local/cuda; undefined when there is none. */
export const findNvcc = (env = process.env) => {
  const candidates = [
    ...[env.CUDA_HOME, env.CUDA_PATH].filter(Boolean).map((d) => join(d, 'bin', 'nvcc')),
    ...(env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'nvcc')),
    '/usr/local/cuda/bin/nvcc',
  ];
  return candidates.find((c) => existsSync(c));
};

/** Directory holding node_api.h: npm's nodedir, the running node's prefix, the system headers. */
export const findNodeHeaders = (env = process.env) => {
  const candidates = [
    ...[env.npm_config_nodedir, env.NODEDIR].filter(Boolean).map((d) => join(d, 'include', 'node')),
    join(dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ];
  return candidates.find((c) => existsSync(join(c, 'node_api.h')));
};

/** node-addon-api's header directory, or undefined when the dependency is not installed. */
export const findAddonApi = () => {
  try {
    const require = createRequire(join(packageDir, 'package.json'));
    const dir = dirname(require.resolve('node-addon-api/package.json'));
    return existsSync(join(dir, 'napi.h')) ? dir : undefined;
  } catch {
    return undefined;
  }
};
