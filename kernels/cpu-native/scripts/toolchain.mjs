// Where the C++ compiler, oneDNN and Node headers are, and the flags every build uses. Shared by build.mjs and the
// tests (which expect a built addon exactly when the toolchain is found).
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const buildDir = join(packageDir, 'build');
export const addonPath = join(buildDir, 'cpu_native.node');
export const notBuiltPath = join(buildDir, 'not-built.txt');
export const sources = readdirSync(join(packageDir, 'src/native')).filter((f) => f.endsWith('.cc')).map((f) => join(packageDir, 'src/native', f));

// -march=native: the addon is built on the machine that runs it (npm ci), and the LUT and elementwise loops gain
// from its widest vectors. OpenMP: Debian's oneDNN threads with it, and the LUT loop shares its thread pool.
// -ffp-contract=off: no fused multiply-adds, so float32 loops round as the TypeScript kernels they replace do.
export const cxxFlags = ['-O3', '-std=c++17', '-march=native', '-fPIC', '-fopenmp', '-fexceptions', '-ffp-contract=off', '-DNAPI_VERSION=8', '-DNAPI_CPP_EXCEPTIONS', '-DNODE_ADDON_API_DISABLE_DEPRECATED'];
export const linkFlags = ['-shared', '-fopenmp', '-ldnnl'];

/** The C++ compiler: $CXX, then g++ / c++ / clang++ on PATH; undefined when there is none. */
export const findCompiler = (env = process.env) => {
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  const candidates = [...(env.CXX ? [env.CXX] : []), ...['g++', 'c++', 'clang++'].flatMap((n) => dirs.map((d) => join(d, n)))];
  return candidates.find((c) => existsSync(c));
};

/** The directory holding dnnl.hpp (Debian's libdnnl-dev puts it in /usr/include), or undefined. */
export const findDnnl = (env = process.env) => {
  const candidates = [...[env.DNNLROOT, env.DNNL_ROOT].filter(Boolean).map((d) => join(d, 'include')), '/usr/include', '/usr/local/include'];
  return candidates.find((c) => existsSync(join(c, 'dnnl.hpp')));
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
