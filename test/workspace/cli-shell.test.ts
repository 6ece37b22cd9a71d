import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [resolve(root, 'apps/cli/bin/approx-darts.mjs'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

const SUBCOMMANDS = ['search', 'train', 'eval', 'energy', 'multipliers', 'genotype', 'space', 'data', 'sweep', 'compare', 'doctor'];

describe('approx-darts command shell', () => {
  it('lists every subcommand in --help', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    for (const c of SUBCOMMANDS) expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
  });

  it.each(SUBCOMMANDS)('%s --help exits 0 with its usage', (c) => {
    const r = cli(c, '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Usage: approx-darts ${c}`);
  });

  it('an unknown subcommand is a usage error, not a stack trace', () => {
    const r = cli('frobnicate');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('doctor --json reports engines, the CUDA addon and search paths, each with a reason', () => {
    const r = cli('doctor', '--json', '--lut-dir', '/nonexistent/luts');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as {
      node: string;
      engines: { name: string; available: boolean; detail: string }[];
      cudaAddon: { built: boolean; devices: number; detail: string };
      multiplierDirs: { path: string; exists: boolean }[];
      dataDirs: { path: string; exists: boolean }[];
      sharedSubset: { path: string; exists: boolean; contents?: { ok: boolean; summary: string } };
    };
    expect(report.node).toBe(process.version);
    expect(report.engines.map((e) => e.name)).toEqual(['cpu', 'webgpu', 'tensorflow']);
    expect(report.engines.find((e) => e.name === 'cpu')?.available).toBe(true);
    for (const e of report.engines) expect(e.detail.length).toBeGreaterThan(0);
    expect(report.cudaAddon.detail.length).toBeGreaterThan(0);
    expect(report.multiplierDirs[0]).toEqual({ path: '/nonexistent/luts', exists: false });
    expect(report.multiplierDirs.some((d) => d.path.endsWith('shared/multipliers') && d.exists)).toBe(true);
    // The shared CIFAR-10 subset (DESIGN.md section 6): 6 x 1017 images, its manifest checked.
    expect(report.sharedSubset.path).toMatch(/shared\/datasets\/cifar-10-partial$/);
    if (report.sharedSubset.exists) expect(report.sharedSubset.contents).toMatchObject({ ok: true, summary: expect.stringContaining('6102 images') });
    else console.log(`shared subset check skipped: ${report.sharedSubset.path} does not exist`);
  });

  it('doctor --engine exits 2 when that engine cannot start, after the report, and 0 when it can', () => {
    expect(cli('doctor', '--engine', 'cpu').status).toBe(0);
    const r = cli('doctor', '--engine', 'tensorflow');
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('engines:');
    expect(r.stderr).toMatch(/^approx-darts: engine tensorflow is not available: neither @tensorflow\/tfjs-node-gpu/);
    const bad = cli('doctor', '--engine', 'tpu');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("--engine: 'tpu' is not one of cpu, webgpu, tensorflow");
  });
});
