import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { bindMultiplier, DARTS_SPACE, decodeSearchSpace, extendOps, sepConv, withMacro, withNodes, withoutOps, type SearchSpace } from '@approx-darts/search-space';
import { decodeGenotypeJson, genotypeIssues } from '@approx-darts/genotype';
import { readJsonl } from '@approx-darts/run-store';

// A custom space through the real command, end to end: search --space, then train and eval its genotype.
// Generated data (--data synthetic), 2 cells, C = 2, 8 images: these check that every stage takes the space.
const luts = resolve(process.cwd(), '../shared/multipliers');
const haveTables = existsSync(join(luts, 'mul8u_NGR.bin'));
if (!haveTables) console.warn(`skipped: the space binds mul8u_NGR and ${luts} has no mul8u_NGR.bin`);

const bin = resolve(process.cwd(), 'apps/cli/bin/approx-darts.mjs');
const cli = (args: readonly string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 300_000 });

// 5 nodes, no pooling in normal cells, a 7x7 sep conv, NGR on the 5x5 ops only; C = 4 in the file, 2 by the flag.
const space: SearchSpace = pipe(
  DARTS_SPACE,
  withNodes(5),
  withoutOps(['max_pool_3x3', 'avg_pool_3x3'], 'normal'),
  extendOps([sepConv(7)]),
  bindMultiplier('mul8u_NGR', { ops: ['sep_conv_5x5', 'dil_conv_5x5'] }),
  withMacro({ cells: 2, channels: 4, reductions: [1] }),
);

describe.skipIf(!haveTables)('approx-darts search --space, then train and eval (end to end)', () => {
  let dir = '';
  let spaceFile = '';
  let search: ReturnType<typeof cli>;
  const common = ['--data', 'synthetic', '--lut-dir', luts, '--preset', 'tiny', '--limit', '8', '--batch-size', '4', '--seed', '1'];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'search-space-cli-'));
    spaceFile = join(dir, 'space.json');
    await writeFile(spaceFile, JSON.stringify(space));
    search = cli(['search', '--space', spaceFile, '--channels', '2', ...common, '--out', join(dir, 'search')]);
  });

  it('searches the space of the file, with --channels overriding its macro, and writes a genotype that carries it', async () => {
    expect(search.stderr).not.toMatch(/approx-darts: /);
    expect(search.status).toBe(0);
    expect(search.stderr).toContain('searching 2 cells (5 nodes, 7 normal / 9 reduce ops), C=2 on mul8u_NGR');
    const config = JSON.parse(await readFile(join(dir, 'search', 'run-config.json'), 'utf8')) as { space: unknown; multiplier: string };
    expect(decodeSearchSpace(config.space)).toEqual(E.right(withMacro({ channels: 2 })(space)));
    expect(config.multiplier).toBe('mul8u_NGR');
    const genotype = decodeGenotypeJson(JSON.parse(await readFile(join(dir, 'search', 'genotype.json'), 'utf8')));
    expect(E.isRight(genotype) && genotypeIssues(space)(genotype.right)).toEqual([]);
    expect(E.isRight(genotype) && genotype.right.ops).toEqual({ normal: space.normal, reduce: space.reduce });
    const alphas = (await readJsonl(join(dir, 'search', 'metrics.jsonl'))).map((r) => (r as { alphas: { normal: number[][]; reduce: number[][] } }).alphas);
    expect(alphas.map((a) => [a.normal.length, a.normal[0]?.length, a.reduce[0]?.length])).toEqual([[20, 7, 9], [20, 7, 9]]);
    expect(await readFile(join(dir, 'search', 'cells.dot'), 'utf8')).toMatch(/"normal_1" -> "normal_\d" \[label="[a-z_0-9]+"\]/);
  });

  it('refuses to resume the run with a different space', async () => {
    const other = join(dir, 'four-nodes.json');
    await writeFile(other, JSON.stringify(withNodes(4)(space)));
    const r = cli(['search', '--space', other, '--channels', '2', ...common, '--out', join(dir, 'search'), '--resume']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/holds a search run with a different configuration/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('trains the network of the genotype and evaluates it under two multipliers', async () => {
    const out = join(dir, 'train');
    const train = cli([
      'train', '--genotype', join(dir, 'search', 'genotype.json'), '--data', 'synthetic', '--multiplier', 'mul8u_NGR', '--lut-dir', luts,
      '--cells', '3', '--channels', '2', '--epochs', '1', '--batch-size', '8', '--limit', '8', '--test-limit', '8', '--no-auxiliary', '--out', out,
    ]);
    expect(train.stderr).not.toMatch(/approx-darts: /);
    expect(train.status).toBe(0);
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8')) as { genotype: unknown };
    expect(E.isRight(decodeGenotypeJson(config.genotype)) && (decodeGenotypeJson(config.genotype) as E.Right<{ ops?: unknown }>).right.ops).toBeDefined();
    const ev = cli(['eval', '--checkpoint', out, '--data', 'synthetic', '--multiplier', 'fp32,mul8u_NGR', '--lut-dir', luts, '--limit', '8', '--json']);
    expect(ev.status, ev.stderr).toBe(0);
    expect((JSON.parse(ev.stdout) as { rows: { multiplier: string }[] }).rows.map((r) => r.multiplier)).toEqual(['fp32', 'mul8u_NGR']);
  });
});
