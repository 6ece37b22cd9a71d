import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const CLI = 'apps/cli/bin/approx-darts.mjs';
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

// DARTS_V2 in the flat DARTS form, written out from docs/DARTS.md (not produced by the code under test).
const V2_FLAT = {
  normal: [['sep_conv_3x3', 0], ['sep_conv_3x3', 1], ['sep_conv_3x3', 0], ['sep_conv_3x3', 1], ['sep_conv_3x3', 1], ['skip_connect', 0], ['skip_connect', 0], ['dil_conv_3x3', 2]],
  normal_concat: [2, 3, 4, 5],
  reduce: [['max_pool_3x3', 0], ['max_pool_3x3', 1], ['skip_connect', 2], ['max_pool_3x3', 1], ['max_pool_3x3', 0], ['skip_connect', 2], ['skip_connect', 2], ['max_pool_3x3', 1]],
  reduce_concat: [2, 3, 4, 5],
};
const PRIMITIVES = ['none', 'max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5'];
// DARTS edge order: node 2 <- 0,1; node 3 <- 0,1,2; node 4 <- 0..3; node 5 <- 0..4.
const EDGES = [2, 3, 4, 5].flatMap((to) => Array.from({ length: to }, (_, from) => ({ from, to })));

// Alphas whose derivation is V2_FLAT: the kept op of each kept edge gets a large logit (stronger for the first
// listed edge of a node), and `none` gets the largest logit everywhere, which derivation must ignore.
const alphasFor = (flat: readonly (readonly [string, number] | (string | number)[])[]) =>
  EDGES.map(({ from, to }) => {
    const kept = flat.slice((to - 2) * 2, (to - 2) * 2 + 2);
    const rank = kept.findIndex((e) => e[1] === from);
    return PRIMITIVES.map((p, c) => (c === 0 ? 20 : rank >= 0 && kept[rank]?.[0] === p ? 10 - rank : 0));
  });

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'genotype-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('approx-darts genotype derive', () => {
  it('derives DARTS_V2 from alphas that encode it, as flat JSON and readably', () => {
    const alphas = file('alphas.json', JSON.stringify({ normal: alphasFor(V2_FLAT.normal), reduce: alphasFor(V2_FLAT.reduce) }));
    const json = run('genotype', 'derive', alphas, '--json');
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(V2_FLAT);
    const text = run('genotype', 'derive', alphas);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('state 5 = skip_connect(0) + dil_conv_3x3(2)');
  });

  it('names the file and the field of a malformed alphas file', () => {
    const normal = alphasFor(V2_FLAT.normal).map((row, i) => (i === 3 ? row.slice(1) : row));
    const bad = file('alphas.json', JSON.stringify({ normal, reduce: alphasFor(V2_FLAT.reduce) }));
    const r = run('genotype', 'derive', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('alphas.json: normal[3] has 7 columns, expected 8');
    const notJson = run('genotype', 'derive', file('broken.json', '{"normal": ['));
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain('broken.json: not valid JSON');
  });
});

describe('approx-darts genotype show', () => {
  it('shows a built-in as JSON and a Python genotype file as JSON', () => {
    const builtin = run('genotype', 'show', 'DARTS_V2', '--format', 'json');
    expect(builtin.code).toBe(0);
    expect(JSON.parse(builtin.stdout)).toEqual(V2_FLAT);
    const python = file(
      'v2.txt',
      `# from genotypes.py\nDARTS_V2 = Genotype(normal=${JSON.stringify(V2_FLAT.normal).replace(/\[("\w+"),(\d)\]/g, '($1, $2)')}, normal_concat=range(2, 6), reduce=${JSON.stringify(V2_FLAT.reduce).replace(/\[("\w+"),(\d)\]/g, '($1, $2)')}, reduce_concat=range(2, 6))\n`,
    );
    const fromPython = run('genotype', 'show', python, '--format', 'json');
    expect(fromPython.stderr).toBe('');
    expect(JSON.parse(fromPython.stdout)).toEqual(V2_FLAT);
  });

  it("prints a run's genotype.json as a Python string, and DOT with both cells", () => {
    const g = file('genotype.json', JSON.stringify(V2_FLAT));
    const python = run('genotype', 'show', g, '--format', 'python');
    expect(python.code).toBe(0);
    expect(python.stdout.trim()).toMatch(/^Genotype\(normal=\[\('sep_conv_3x3', 0\), .*\('dil_conv_3x3', 2\)\], normal_concat=\[2, 3, 4, 5\], reduce=/);
    const dot = run('genotype', 'show', g, '--format', 'dot');
    expect(dot.stdout).toMatch(/^digraph/);
    expect(dot.stdout.match(/ -> /g)).toHaveLength(24);
  });

  it('rejects an invalid genotype file naming the field, and unknown sources', () => {
    const bad = file('bad.json', JSON.stringify({ ...V2_FLAT, normal: [['none', 0], ...V2_FLAT.normal.slice(1)] }));
    const r = run('genotype', 'show', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("bad.json: normal.nodes[0][0].op is 'none'");
    const missing = run('genotype', 'show', join(dir, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file or built-in genotype');
  });

  it('refuses an empty concat and a file that is neither JSON nor Python text, in one line naming the file', () => {
    const empty = join(dir, 'empty-concat.json');
    writeFileSync(empty, JSON.stringify({ ...V2_FLAT, normal_concat: [] }));
    const r = run('genotype', 'show', empty);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('approx-darts: empty-concat.json: normal.concat is empty: the cell would output nothing (list at least one state)');
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'my best cell so far\n');
    expect(run('genotype', 'show', text).stderr.trim()).toBe(`approx-darts: ${text}: not a genotype file: neither JSON nor DARTS Python text (Genotype(normal=..., ...))`);
  });

  it('shows a genotype of another space without --space: 3 nodes, one edge each, a 7x7 sep conv and a plain conv', () => {
    const text = "Genotype(normal=[('sep_conv_7x7', 1), ('conv_3x3', 2), ('skip_connect', 0)], normal_concat=[2, 3, 4], reduce=[('max_pool_5x5', 0), ('skip_connect', 1), ('dil_conv_3x3_d4', 3)], reduce_concat=[2, 3, 4], edges_per_node=1)";
    const r = run('genotype', 'show', file('three.txt', text), '--format', 'python');
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(text);
    const late = run('genotype', 'show', file('late.txt', text.replace("('conv_3x3', 2)", "('conv_3x3', 3)")));
    expect(late.code).toBe(1);
    expect(late.stderr).toContain('late.txt: normal.nodes[1][0].input must be an earlier state 0..2 of node 3, got 3');
  });

  const hasDot = (process.env['PATH'] ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, 'dot')));
  it(`--png ${hasDot ? 'renders with Graphviz' : 'explains that Graphviz is missing (exit 2)'}`, () => {
    const png = join(dir, 'cells.png');
    const r = run('genotype', 'show', 'DARTS_V1', '--png', png);
    if (hasDot) {
      expect(r.code).toBe(0);
      expect(existsSync(png)).toBe(true);
    } else {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("the Graphviz 'dot' program is not on PATH");
    }
  });
});
