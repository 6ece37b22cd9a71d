import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/Either';
import { decodeSweepFile, type SweepFile } from './sweep-file';
import { countJobs, expandSweep, jobId, product, type JobGraph } from './job-graph';

const load = (name: string): SweepFile => {
  const r = decodeSweepFile(JSON.parse(readFileSync(new URL(`../../../examples/sweeps/${name}`, import.meta.url), 'utf8')));
  if (E.isLeft(r)) throw new Error(r.left);
  return r.right;
};
const expand = (file: SweepFile, root = '/sweeps/x'): JobGraph => {
  const r = expandSweep(file, root);
  if (E.isLeft(r)) throw new Error(r.left);
  return r.right;
};

describe('job graph of the paper grid', () => {
  const graph = expand(load('paper-grid.json'));
  const of = (stage: string) => graph.jobs.filter((j) => j.stage === stage);

  it('has the paper\'s shape: 5 x 3 searches, 5 picks, the FP32 cell trained on all five tables and the others on their own, 3 seeds each', () => {
    expect(of('search')).toHaveLength(15);
    expect(of('best')).toHaveLength(5);
    expect(of('train')).toHaveLength((5 + 4) * 3);
    expect(of('eval')).toHaveLength(27);
    const fromFp32 = of('train').filter((j) => j.searchedWith === 'fp32').map((j) => j.trainedWith);
    expect(new Set(fromFp32)).toEqual(new Set(['fp32', 'mul8u_1JFF', 'mul8u_NGR', 'mul8u_2AC', 'mul8u_DM1']));
    expect(of('train').filter((j) => j.searchedWith === 'mul8u_DM1').every((j) => j.trainedWith === 'mul8u_DM1')).toBe(true);
  });

  it('orders every job after its dependencies, each a job of the stage it draws from', () => {
    const position = new Map(graph.jobs.map((j, i) => [j.id, i]));
    for (const j of graph.jobs) for (const d of j.deps) expect(position.get(d)!).toBeLessThan(position.get(j.id)!);
    const pick = of('best').find((j) => j.params['multiplier'] === 'mul8u_NGR')!;
    expect(pick.deps).toEqual(['search__multiplier=mul8u_NGR__seed=1', 'search__multiplier=mul8u_NGR__seed=2', 'search__multiplier=mul8u_NGR__seed=3']);
    const evaluation = of('eval').find((j) => j.trainedWith === 'mul8u_2AC' && j.searchedWith === 'fp32' && j.params['seed'] === 2)!;
    expect(evaluation.deps).toEqual(['train__multiplier=fp32__seed=2__trained=mul8u_2AC']);
  });

  it('writes one command per job, with its own run directory and the upstream artefact', () => {
    const s = of('search')[0]!;
    expect(s.args).toEqual(['search', '--engine', 'webgpu', '--preset', 'paper', '--multiplier', 'fp32', '--seed', '1', '--out', '/sweeps/x/runs/search__multiplier=fp32__seed=1']);
    const t = of('train').find((j) => j.trainedWith === 'mul8u_NGR' && j.searchedWith === 'fp32' && j.params['seed'] === 0)!;
    expect(t.args).toEqual([
      'train', '--genotype', '/sweeps/x/runs/best__multiplier=fp32/genotype.json', '--engine', 'webgpu', '--preset', 'paper', '--channels', '32', '--cells', '20',
      '--seed', '0', '--multiplier', 'mul8u_NGR', '--out', '/sweeps/x/runs/train__multiplier=fp32__seed=0__trained=mul8u_NGR',
    ]);
    expect(new Set(graph.jobs.map((j) => j.runDir)).size).toBe(graph.jobs.length);
  });
});

describe('job ids', () => {
  const axisValue = fc.oneof(fc.integer({ min: 0, max: 99 }), fc.stringMatching(/^[a-z0-9_]{1,6}$/));
  const axes = fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), fc.uniqueArray(axisValue, { minLength: 1, maxLength: 3, selector: String }), { minKeys: 1, maxKeys: 3 });

  test.prop([axes])('do not depend on the order of the axes in the file, and are unique within a stage', (a) => {
    const reversed = Object.fromEntries(Object.entries(a).reverse());
    const ids = product(a).map((p) => jobId('s', p));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(product(reversed).map((p) => jobId('s', p)))).toEqual(new Set(ids));
  });

  it('are the same for the same values on every expansion, wherever the sweep lives', () => {
    const file = load('tiny-sweep.json');
    expect(expand(file, '/a').jobs.map((j) => j.id)).toEqual(expand(file, '/b/c').jobs.map((j) => j.id));
  });

  it('refuses values that collapse to one id', () => {
    const file: SweepFile = { name: 'x', stages: [{ name: 's', kind: 'search', axes: { multiplier: ['a b', 'a/b'] } }] };
    const r = expandSweep(file, '/r');
    expect(E.isLeft(r) && r.left).toMatch(/two jobs get the id 's__multiplier=a_b'/);
  });

  it('refuses a train axis that repeats an axis of the searches it draws from directly', () => {
    const file: SweepFile = {
      name: 'x',
      stages: [
        { name: 's', kind: 'search', axes: { multiplier: ['fp32'], seed: [1] } },
        { name: 't', kind: 'train', from: 's', axes: { seed: [0] } },
      ],
    };
    const r = expandSweep(file, '/r');
    expect(E.isLeft(r) && r.left).toBe("stage 't': axis 'seed' is already an axis of the jobs of 's' (rename it, or select first)");
  });
});

describe('expansion of random grids', () => {
  const values = (n: number) => fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: n });
  const grid = fc.record({
    multipliers: fc.uniqueArray(fc.constantFrom('fp32', 'mul8u_1JFF', 'mul8u_NGR', 'mul8u_DM1'), { minLength: 1, maxLength: 4 }),
    seeds: values(3),
    epochs: values(2),
    trainSeeds: values(3),
    groupByEpochs: fc.boolean(),
    retarget: fc.boolean(),
  });

  test.prop([grid])('give the counts the axes imply, unique ids, and dependencies on earlier jobs of the source stage', (g) => {
    const file: SweepFile = {
      name: 'g',
      stages: [
        { name: 's', kind: 'search', axes: { multiplier: g.multipliers, seed: g.seeds, epochs: g.epochs } },
        { name: 'b', kind: 'select', from: 's', groupBy: g.groupByEpochs ? ['multiplier', 'epochs'] : ['multiplier'] },
        { name: 't', kind: 'train', from: 'b', axes: { seed: g.trainSeeds }, ...(g.retarget ? { multipliers: { fp32: ['fp32', 'mul8u_DM1'] } } : {}) },
        { name: 'e', kind: 'eval', from: 't' },
      ],
    };
    const graph = expand(file);
    const count = (stage: string) => graph.jobs.filter((j) => j.stage === stage).length;
    const picks = g.multipliers.length * (g.groupByEpochs ? g.epochs.length : 1);
    const trainedPerPick = (m: string) => (g.retarget && m === 'fp32' ? 2 : 1);
    expect(count('s')).toBe(g.multipliers.length * g.seeds.length * g.epochs.length);
    expect(count('b')).toBe(picks);
    expect(count('t')).toBe(g.multipliers.reduce((a, m) => a + trainedPerPick(m), 0) * (g.groupByEpochs ? g.epochs.length : 1) * g.trainSeeds.length);
    expect(count('e')).toBe(count('t'));
    expect(new Set(graph.jobs.map((j) => j.id)).size).toBe(graph.jobs.length);
    const byId = new Map(graph.jobs.map((j, i) => [j.id, { j, i }]));
    const sourceOf: Record<string, string> = { b: 's', t: 'b', e: 't' };
    graph.jobs.forEach((j, i) => {
      for (const d of j.deps) {
        expect(byId.get(d)!.i).toBeLessThan(i);
        expect(byId.get(d)!.j.stage).toBe(sourceOf[j.stage]);
      }
    });
    // Each search belongs to exactly one pick.
    expect(graph.jobs.filter((j) => j.stage === 'b').flatMap((j) => j.deps).sort()).toEqual(graph.jobs.filter((j) => j.stage === 's').map((j) => j.id).sort());
  });
});

describe('countJobs', () => {
  const values = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  // Random grids over all four stage kinds: a search, a select grouping by some of its axes, a train with its own
  // axes and per-multiplier lists, an eval.
  const grid = fc.record({
    multipliers: fc.integer({ min: 1, max: 3 }),
    seeds: fc.integer({ min: 1, max: 3 }),
    lrs: fc.integer({ min: 1, max: 2 }),
    groupBySeed: fc.boolean(),
    trainSeeds: fc.integer({ min: 0, max: 2 }),
    fanOut: fc.integer({ min: 0, max: 3 }),
    fromSelect: fc.boolean(),
  });
  test.prop([grid], { numRuns: 60, seed: 2828 })('is the number of jobs expandSweep builds', (g) => {
    const mult = ['fp32', ...values(g.multipliers - 1, 'mul8u_')];
    const file: SweepFile = {
      name: 'x',
      stages: [
        { name: 's', kind: 'search', axes: { multiplier: mult, seed: values(g.seeds, ''), lr: values(g.lrs, '0.') } },
        { name: 'b', kind: 'select', from: 's', groupBy: g.groupBySeed ? ['multiplier', 'seed'] : ['multiplier'] },
        {
          name: 't', kind: 'train', from: g.fromSelect ? 'b' : 's',
          ...(g.trainSeeds > 0 ? { axes: { wd: values(g.trainSeeds, 'w') } } : {}),
          ...(g.fanOut > 0 ? { multipliers: { fp32: values(g.fanOut, 'mul8u_F') } } : {}),
        },
        { name: 'e', kind: 'eval', from: 't' },
      ],
    };
    expect(countJobs(file)).toBe(expand(file).jobs.length);
  });
});
