import nx from '@nx/eslint-plugin';
import tsParser from '@typescript-eslint/parser';
import tseslint from 'typescript-eslint';

// Node built-ins a pure library may not touch: pure libs are data and arithmetic, no I/O.
const nodeBuiltins = ['fs', 'fs/promises', 'path', 'os', 'child_process', 'worker_threads', 'http', 'https', 'net', 'crypto', 'zlib', 'url', 'process'];
const pureBans = ['@tensorflow/*', 'gpu.js', 'webgpu', 'node-addon-api', 'bindings', ...nodeBuiltins];

// Synchronous device reads: on the webgpu engine in Node they need OffscreenCanvas and throw, so code that runs in the
// search, training and evaluation loops reads with `await t.data()` (libs/run/src/readback/read-scalars.ts).
const syncReadMessage = 'synchronous device reads throw on the webgpu engine: await t.data() / t.array() (or readScalars) instead';
const syncReads = ['dataSync', 'arraySync', 'bufferSync', 'readSync'].map((property) => ({ property, message: syncReadMessage }));

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/build/**', 'runs/**', 'bench/results/**', '.nx/**', 'test-results/**', '**/*.cu'] },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.mjs', '**/*.js'],
    languageOptions: { parser: tsParser, ecmaVersion: 2022, sourceType: 'module' },
    plugins: { '@nx': nx, '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // Dependencies point one way: app -> tfjs rooms -> pure libs (docs/ARCHITECTURE.md).
            { sourceTag: 'scope:pure', onlyDependOnLibsWithTags: ['scope:pure'], bannedExternalImports: pureBans },
            { sourceTag: 'scope:io', onlyDependOnLibsWithTags: ['scope:pure', 'scope:io'] },
            { sourceTag: 'scope:native', onlyDependOnLibsWithTags: ['scope:pure'] },
            { sourceTag: 'scope:backend', onlyDependOnLibsWithTags: ['scope:pure', 'scope:io', 'scope:native', 'scope:backend'] },
            // The tfjs rooms (docs/ARCHITECTURE.md): kernels at the bottom; each engine, the networks and the optimizers
            // on kernels alone; the run package on networks and optimizers; only the composition root knows engines.
            { sourceTag: 'room:kernels', notDependOnLibsWithTags: ['room:engine', 'room:networks', 'room:optimizers', 'room:run', 'room:root'] },
            { sourceTag: 'room:engine', notDependOnLibsWithTags: ['room:engine', 'room:networks', 'room:optimizers', 'room:run', 'room:root'] },
            { sourceTag: 'room:networks', notDependOnLibsWithTags: ['room:engine', 'room:optimizers', 'room:run', 'room:root'] },
            { sourceTag: 'room:optimizers', notDependOnLibsWithTags: ['room:engine', 'room:networks', 'room:run', 'room:root'] },
            { sourceTag: 'room:run', notDependOnLibsWithTags: ['room:engine', 'room:root'] },
            // The library entry point (libs/sdk) sits beside the app: it composes the backend for TypeScript users.
            { sourceTag: 'scope:sdk', onlyDependOnLibsWithTags: ['scope:pure', 'scope:io', 'scope:native', 'scope:backend'] },
            { sourceTag: 'scope:app', onlyDependOnLibsWithTags: ['scope:pure', 'scope:io', 'scope:native', 'scope:backend'] },
          ],
        },
      ],
    },
  },
  {
    // The loops' code; the host kernels (libs/kernels, libs/engine-cpu) read their own host memory and are not
    // covered, nor are tests, which run on the cpu engine.
    files: [
      'libs/{run,optimizers,networks}/src/**/*.ts',
      'apps/cli/src/**/*.ts',
      'datasets/*/src/**/*.ts',
    ],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-properties': ['error', ...syncReads] },
  },
  {
    // Belt and braces for pure libs: also ban the `node:` forms, which are not package imports.
    files: ['libs/{search-space,genotype,schedule,multipliers,quantization,approx-conv,energy,network-plan,interop}/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', ...pureBans], message: 'pure libraries do no I/O and use no tensors or native code' }] }],
    },
  },
];
