import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Dawn keeps the event loop alive (README, docs/GPU.md), so the CLI must end every command, finished or failed, with
// an explicit exit. Here a preloaded module holds the loop open the same way (a referenced timer): a command that
// merely returned would hang until the spawn timeout kills it (status null).
const root = resolve(import.meta.dirname, '../..');
const holdOpen = 'data:text/javascript,setInterval(() => {}, 60000);';
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', holdOpen, resolve(root, 'apps/cli/bin/approx-darts.mjs'), ...args], { cwd: root, encoding: 'utf8', timeout: 300_000 });

describe('the CLI exits explicitly, with the event loop held open', () => {
  it('after a finished search', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cli-exit-')), 'run');
    const r = cli('search', '--data', 'synthetic', '--multiplier', 'fp32', '--preset', 'tiny', '--epochs', '1', '--cells', '1', '--channels', '2', '--limit', '8', '--batch-size', '4', '--out', out);
    expect(r.stderr).not.toMatch(/approx-darts: /);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('genotype: ');
  });

  it.each([
    ['train', ['train', '--genotype', 'DARTS_V2', '--data', 'synthetic', '--channels', 'many', '--out', '/tmp/never'], /--channels: 'many'/],
    ['eval', ['eval', '--checkpoint', '/nonexistent/run', '--data', 'synthetic'], /no training checkpoint/],
    ['search', ['search', '--data', 'synthetic', '--multiplier', 'mul8u_NOPE', '--out', '/tmp/never'], /unknown multiplier 'mul8u_NOPE'/],
    ['sweep', ['sweep', 'status', '/nonexistent/sweep'], /not a sweep directory/],
  ])('after a failed %s, with its exit code and message', (_name, args, message) => {
    const r = cli(...args);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  it('after a usage error and after --help', () => {
    expect(cli('frobnicate').status).not.toBe(0);
    expect(cli('--help').status).toBe(0);
  });
});
