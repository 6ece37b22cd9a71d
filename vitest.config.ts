import { defineConfig } from 'vitest/config';

// One workspace-wide run: every package's colocated tests plus the cross-package suites in test/.
export default defineConfig({
  test: {
    include: [
      'libs/*/src/**/*.test.ts',
      'datasets/*/src/**/*.test.ts',
      'kernels/*/src/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['test/support/fast-check-seed.ts'],
  },
});
