import nx from '@nx/eslint-plugin';
import tsParser from '@typescript-eslint/parser';
import tseslint from 'typescript-eslint';

// Node built-ins a pure library may not touch: pure libs are data and arithmetic, no I/O.
const nodeBuiltins = ['fs', 'fs/promises', 'path', 'os', 'child_process', 'worker_threads', 'http', 'https', 'net', 'crypto', 'zlib', 'url', 'process'];
const pureBans = ['@tensorflow/*', 'gpu.js', 'webgpu', 'node-addon-api', 'bindings', ...nodeBuiltins];

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
            // Dependencies point one way: app -> backend -> pure libs (DESIGN §1).
            { sourceTag: 'scope:pure', onlyDependOnLibsWithTags: ['scope:pure'], bannedExternalImports: pureBans },
            { sourceTag: 'scope:io', onlyDependOnLibsWithTags: ['scope:pure', 'scope:io'] },
            { sourceTag: 'scope:native', onlyDependOnLibsWithTags: ['scope:pure'] },
            { sourceTag: 'scope:backend', onlyDependOnLibsWithTags: ['scope:pure', 'scope:io', 'scope:native', 'scope:backend'] },
            // The library entry point (libs/sdk) sits beside the app: it composes the backend for TypeScript users.
            { sourceTag: 'scope:sdk', onlyDependOnLibsWithTags: ['scope:pure', 'scope:io', 'scope:native', 'scope:backend'] },
            { sourceTag: 'scope:app', onlyDependOnLibsWithTags: ['scope:pure', 'scope:io', 'scope:native', 'scope:backend'] },
          ],
        },
      ],
    },
  },
  {
    // Belt and braces for pure libs: also ban the `node:` forms, which are not package imports.
    files: ['libs/{search-space,genotype,schedule,multipliers,quantization,approx-conv,energy,network-plan}/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', ...pureBans], message: 'pure libraries do no I/O and use no tensors or native code' }] }],
    },
  },
];
