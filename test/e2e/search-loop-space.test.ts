import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { bindMultiplier, convOp, DARTS_SPACE, dilConv, sepConv, withEdgesPerNode, withMacro, withNodes, withOpSets, type SearchSpace } from '@approx-darts/search-space';
import { DARTS_SEARCH_PLAN, type BiLevelPlan } from '@approx-darts/schedule';
import { decodeGenotypeJson, genotypeIssues } from '@approx-darts/genotype';
import { runSearch, type SearchOptions } from '@approx-darts/run';
import { selectEngine } from '@approx-darts/engines';
import { syntheticRecords } from '../../datasets/cifar10/src/test-support';

// The search loop over a space unlike DARTS's: 3 nodes keeping 1 edge each, different op sets per cell type
// (a plain conv and a 7x7 sep conv in the normal one, a dilation-3 dil conv in the reduce one), a partial
// approximation pattern (the loop runs exact here: bindingOf is absent). 2 cells, C = 2, 8 images.
const space: SearchSpace = pipe(
  DARTS_SPACE,
  withNodes(3),
  withEdgesPerNode(1),
  withOpSets({
    normal: [DARTS_SPACE.normal[0]!, DARTS_SPACE.normal[3]!, convOp(3), sepConv(7)],
    reduce: [DARTS_SPACE.reduce[1]!, DARTS_SPACE.reduce[3]!, dilConv(3, 3)],
  }),
  bindMultiplier('mul8u_NGR', { ops: ['conv_3x3'] }),
  withMacro({ cells: 2, channels: 2, reductions: [1] }),
);
const plan: BiLevelPlan = { ...DARTS_SEARCH_PLAN, epochs: 2, warmupEpochs: 0, batchSize: 4 };
const records = syntheticRecords(8, 4);
const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'search-loop-space-'));
const base = (outDir: string): SearchOptions => ({ space, plan, seed: 3, records, outDir, resume: false });

// The cpu engine as runs get it: tfjs's cpu backend plus the fast kernels (ten times faster here).
beforeAll(async () => {
  await selectEngine('cpu');
});

describe('bi-level search loop over a custom space', () => {
  it('writes a genotype of the space that carries its op sets, and resumes to the uninterrupted result', async () => {
    const straight = await runSearch(base(await tmp()));
    expect(genotypeIssues(space)(straight.genotype)).toEqual([]);
    expect(straight.genotype.normal.nodes.map((n) => n.length)).toEqual([1, 1, 1]);
    expect(straight.genotype.ops).toEqual({ normal: space.normal, reduce: space.reduce });
    expect(straight.alphas.normal.map((r) => r.length)).toEqual([2, 3, 4].flatMap((n) => Array.from({ length: n }, () => 4)));
    expect(straight.alphas.reduce[0]).toHaveLength(3);
    const dir = await tmp();
    await runSearch({ ...base(dir), stopAfter: 1 });
    const resumed = await runSearch({ ...base(dir), resume: true });
    expect(resumed.epochsRun).toBe(1);
    expect(resumed.alphas).toEqual(straight.alphas);
    expect(resumed.genotype).toEqual(straight.genotype);
    expect(decodeGenotypeJson(JSON.parse(await readFile(join(dir, 'genotype.json'), 'utf8')))).toEqual(E.right(straight.genotype));
  });
});
