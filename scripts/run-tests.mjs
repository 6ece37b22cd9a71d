#!/usr/bin/env node
// The project's test command: vitest over the whole workspace, then lint and typecheck,
// ending with the plain `N passed, N failed` line that CI reads (vitest's own summary is not read).
process.env.NX_DAEMON = 'false';
process.env.NX_NO_CLOUD = 'true';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';

const report = 'test-results/vitest.json';
mkdirSync('test-results', { recursive: true });
if (existsSync(report)) rmSync(report);

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env: process.env }).status ?? 1;

// The Nx module-boundary lint rule reads the cached project graph; build it first.
run('npx', ['nx', 'show', 'projects']);

const vitestStatus = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  skipped = r.numPendingTests + r.numTodoTests;
  failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
  // A suite that fails to load has no tests in the count: count it as a failure.
  failed += r.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
} else {
  failed = 1;
}

// Lint and typecheck are part of "the tests": each is counted as one check.
for (const [name, cmd, args] of [
  ['lint', 'npx', ['eslint', '.']],
  ['typecheck', 'npx', ['tsc', '-p', 'tsconfig.json']],
]) {
  console.log(`\n== ${name}`);
  if (run(cmd, args) === 0) passed += 1;
  else { failed += 1; console.log(`${name} failed`); }
}

if (vitestStatus !== 0 && failed === 0) failed = 1;
// Skips print their reasons where they happen; the count is here so none goes unnoticed.
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
