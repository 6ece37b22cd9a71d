import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { approxDartsSpace, bindMultiplier, DARTS_SPACE, decodeSearchSpace, extendOps, sepConv, withMacro, withNodes, withoutOps, type SearchSpace } from '@approx-darts/search-space';
import { derive, genotypeToJson, zeroAlphas } from '@approx-darts/genotype';
import { planTotals, searchNetworkPlan } from '@approx-darts/network-plan';
import { register as registerSpace } from './space';
import { register as registerEnergy } from './energy';
import { runCommand } from './run-command.testing';

const luts = resolve(process.cwd(), '../shared/multipliers');
const haveTables = existsSync(join(luts, 'mul8u_NGR.bin'));
if (!haveTables) console.warn(`skipped: no multiplier tables at ${luts} for 'space init --multiplier'`);

// The example space of the issue: 5 nodes, no pooling in normal cells, a 7x7 sep conv, NGR on the 5x5 ops only.
const custom: SearchSpace = pipe(
  DARTS_SPACE,
  withNodes(5),
  withoutOps(['max_pool_3x3', 'avg_pool_3x3'], 'normal'),
  extendOps([sepConv(7)]),
  bindMultiplier('mul8u_NGR', { ops: ['sep_conv_5x5', 'dil_conv_5x5'] }),
  withMacro({ cells: 2, channels: 2, reductions: [1] }),
);

describe('approx-darts space', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'space-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const file = async (name: string, content: unknown): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it('init writes the DARTS space, which decodes, and refuses to overwrite without --force', async () => {
    const r = await runCommand(registerSpace, ['space', 'init']);
    expect(r.exitCode).toBe(0);
    expect(decodeSearchSpace(JSON.parse(r.stdout))).toEqual(E.right(DARTS_SPACE));
    const path = join(dir, 'darts.json');
    expect((await runCommand(registerSpace, ['space', 'init', path])).exitCode).toBe(0);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(JSON.parse(r.stdout));
    const again = await runCommand(registerSpace, ['space', 'init', path]);
    expect([again.exitCode, again.error]).toEqual([1, `${path}: already exists; pass --force to overwrite it`]);
    expect((await runCommand(registerSpace, ['space', 'init', path, '--force'])).exitCode).toBe(0);
  });

  it.skipIf(!haveTables)('init --multiplier writes the ApproxDARTS space, and refuses an unknown table', async () => {
    const r = await runCommand(registerSpace, ['space', 'init', '--multiplier', 'NGR', '--lut-dir', luts]);
    expect(decodeSearchSpace(JSON.parse(r.stdout))).toEqual(E.right(approxDartsSpace('mul8u_NGR')));
    const bad = await runCommand(registerSpace, ['space', 'init', '--multiplier', 'mul8u_NOPE', '--lut-dir', luts]);
    expect(bad.exitCode).toBe(1);
    expect(bad.error).toMatch(/^--multiplier mul8u_NOPE: unknown multiplier 'mul8u_NOPE'/);
  });

  it('show prints ops per cell type, edges, the alphas shape, parameters and MACs of the search network', async () => {
    const darts = await runCommand(registerSpace, ['space', 'show', await file('d.json', DARTS_SPACE)]);
    expect(darts.stdout).toContain('alphas: normal 14 x 8, reduce 14 x 8');
    expect(darts.stdout).toContain('search network at 32x32: 1,930,618 parameters');
    const shown = await runCommand(registerSpace, ['space', 'show', await file('c.json', custom)]);
    const lines = shown.stdout.split('\n');
    expect(lines[1]).toBe('normal ops (7): none, skip_connect, sep_conv_3x3, sep_conv_5x5 on mul8u_NGR, dil_conv_3x3, dil_conv_5x5 on mul8u_NGR, sep_conv_7x7');
    expect(lines[3]).toMatch(/^cell: 2 inputs, 5 nodes, 20 edges \(2 <- 0,1; 3 <- 0,1,2; .*; 6 <- 0,1,2,3,4,5\), 2 kept per node, output = concat of states 2, 3, 4, 5, 6$/);
    expect(lines[4]).toBe('alphas: normal 20 x 7, reduce 20 x 9');
    expect(lines[5]).toBe('macro: 2 cells (reductions at 1), C = 2, stem 6 channels, 10 classes');
    const json = JSON.parse((await runCommand(registerSpace, ['space', 'show', join(dir, 'c.json'), '--json'])).stdout) as { searchNetwork: { params: number; approxMacs: number } };
    expect(json.searchNetwork.params).toBe(planTotals(searchNetworkPlan(custom)).params);
    expect(json.searchNetwork.approxMacs).toBeGreaterThan(0);
  });

  it('show names a non-canonical op by its structure', async () => {
    const wide = extendOps([{ kind: 'dil_conv', name: 'wide', kernel: 3, dilation: 4 }])(DARTS_SPACE);
    const r = await runCommand(registerSpace, ['space', 'show', await file('w.json', wide)]);
    expect(r.stdout).toContain('dil_conv_5x5, wide (dil_conv 3x3 dilation 4)\n');
  });

  it('refuses an invalid file in one line naming the file and the paths inside it', async () => {
    const bad = { ...extendOps([sepConv(4)], 'reduce')(DARTS_SPACE), topology: { inputs: 2, nodes: 0, edgesPerNode: 2 } };
    const r = await runCommand(registerSpace, ['space', 'show', await file('bad.json', bad)]);
    expect(r.exitCode).toBe(1);
    expect(r.error).toBe(`space show ${join(dir, 'bad.json')}: reduce[8].kernel must be a positive odd integer, got 4; topology.nodes must be a positive integer, got 0`);
    const notJson = await runCommand(registerSpace, ['space', 'show', await file('x.json', '{"normal": [')]);
    expect(notJson.error).toMatch(/^space show .*x\.json: not JSON \(/);
    expect(notJson.error).not.toContain('\n');
    const missing = await runCommand(registerSpace, ['space', 'show', join(dir, 'none.json')]);
    expect(missing.error).toMatch(/^space show .*none\.json: not a readable file \(ENOENT/);
  });

  it('energy prices a genotype of the space with approximation on its 5x5 ops only', async () => {
    // Even edges keep sep_conv_5x5 (approximated), odd ones sep_conv_3x3 (exact).
    const prefer = (ops: SearchSpace['normal'], edge: number) => ops.map((op) => (op.name === (edge % 2 === 0 ? 'sep_conv_5x5' : 'sep_conv_3x3') ? 1 : 0));
    const rows = zeroAlphas(custom).normal.length;
    const g = derive(custom)({ normal: Array.from({ length: rows }, (_, e) => prefer(custom.normal, e)), reduce: Array.from({ length: rows }, (_, e) => prefer(custom.reduce, e)) });
    expect(new Set(g.normal.nodes.flat().map((e) => e.op))).toEqual(new Set(['sep_conv_5x5', 'sep_conv_3x3']));
    const path = await file('g.json', genotypeToJson(g));
    const r = await runCommand(registerEnergy, ['energy', '--genotype', path, '--channels', '4', '--cells', '3', '--multiplier', 'mul8u_NGR', '--json', '--layers']);
    expect(r.error).toBeUndefined();
    const report = JSON.parse(r.stdout) as { approx_macs: number; layers: { path: string; approximate: boolean; macs: number }[] };
    const approximate = report.layers.filter((l) => l.approximate);
    expect(approximate.length).toBeGreaterThan(0);
    expect(approximate.every((l) => /_(sep|dil)_conv_5x5\./.test(l.path))).toBe(true);
    expect(report.layers.some((l) => /_sep_conv_3x3\.op\d\.depthwise$/.test(l.path) && !l.approximate)).toBe(true);
    expect(report.approx_macs).toBe(approximate.reduce((s, l) => s + l.macs, 0));
  });
});
