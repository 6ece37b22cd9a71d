import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import * as E from 'fp-ts/Either';
import { DARTS_SPACE, edgesOf, withEdgesPerNode, withNodes, withOpSets, type SearchSpace } from '@approx-darts/search-space';
import { DARTS_V1, DARTS_V2, decodeAlphas, derive, genotypeIssues, zeroAlphas, type Alphas, type Genotype } from './index';

// Alphas that make `genotype` the derivation: each kept edge's op gets a large logit, stronger for earlier-listed
// edges of a node (DARTS lists kept edges strongest first); everything else stays at 0.
const alphasFor = (space: SearchSpace, genotype: Genotype): Alphas => {
  const edges = edgesOf(space.topology);
  const matrix = (cell: 'normal' | 'reduce') =>
    edges.map((edge) => {
      const node = edge.to - space.topology.inputs;
      const kept = genotype[cell].nodes[node] ?? [];
      const rank = kept.findIndex((e) => e.input === edge.from);
      return space[cell].map((op) => (rank >= 0 && kept[rank]?.op === op.name ? 10 - rank : 0));
    });
  return { normal: matrix('normal'), reduce: matrix('reduce') };
};

describe('derive', () => {
  it('recovers the published DARTS genotypes from alphas that encode them', () => {
    expect(derive(DARTS_SPACE)(alphasFor(DARTS_SPACE, DARTS_V2))).toEqual(DARTS_V2);
    expect(derive(DARTS_SPACE)(alphasFor(DARTS_SPACE, DARTS_V1))).toEqual(DARTS_V1);
  });

  it('ignores none even when it dominates, and ranks edges by their best non-none weight', () => {
    const alphas = zeroAlphas(DARTS_SPACE);
    const normal = alphas.normal.map((row, e) =>
      // edge 0 (0->2): none huge, sep3 small; edge 1 (1->2): skip medium. Node 2 keeps edge 1 first.
      e === 0 ? row.map((_, c) => (c === 0 ? 50 : c === 4 ? 1 : 0)) : e === 1 ? row.map((_, c) => (c === 3 ? 2 : 0)) : row,
    );
    const g = derive(DARTS_SPACE)({ ...alphas, normal });
    expect(g.normal.nodes[0]).toEqual([
      { op: 'skip_connect', input: 1 },
      { op: 'sep_conv_3x3', input: 0 },
    ]);
  });

  it('generalizes to other node counts and k', () => {
    const space = withEdgesPerNode(1)(withNodes(6)(DARTS_SPACE));
    const g = derive(space)(zeroAlphas(space));
    expect(g.normal.nodes).toHaveLength(6);
    expect(g.normal.nodes.every((n) => n.length === 1)).toBe(true);
    expect(g.normal.concat).toEqual([2, 3, 4, 5, 6, 7]);
  });
});

describe('decodeAlphas', () => {
  it('names the failing field', () => {
    const z = zeroAlphas(DARTS_SPACE);
    expect(decodeAlphas(DARTS_SPACE)({ ...z, normal: z.normal.map((r, i) => (i === 3 ? r.slice(1) : r)) })).toEqual(
      E.left('normal[3] has 7 columns, expected 8'),
    );
    expect(decodeAlphas(DARTS_SPACE)({ ...z, reduce: z.reduce.slice(2) })).toEqual(E.left('reduce has 12 rows, expected 14'));
    expect(decodeAlphas(DARTS_SPACE)({ normal: z.normal })).toEqual(E.left('reduce: expected ReadonlyArray<ReadonlyArray<number>>, got nothing'));
    expect(decodeAlphas(DARTS_SPACE)(z)).toEqual(E.right(z));
  });
});

// Small spaces: 1-3 inputs, 1-5 nodes, k <= inputs, a random op subset of DARTS (with `none` and one other op).
const arbSpace = fc
  .record({ inputs: fc.integer({ min: 1, max: 3 }), nodes: fc.integer({ min: 1, max: 5 }), k: fc.integer({ min: 1, max: 3 }), drop: fc.integer({ min: 0, max: 5 }) })
  .map(({ inputs, nodes, k, drop }): SearchSpace => {
    const ops = DARTS_SPACE.normal.filter((_, i) => i < 2 || i >= 2 + drop);
    return withOpSets({ normal: ops, reduce: [...ops].reverse() })({ ...DARTS_SPACE, topology: { inputs, nodes, edgesPerNode: Math.min(k, inputs) } });
  });

// Logits on a 1/8 grid, distinct within a row: no ties inside a row, and adding a multiple of 1/8 is exact.
const arbRow = (width: number) =>
  fc.uniqueArray(fc.integer({ min: -40, max: 40 }), { minLength: width, maxLength: width }).map((row) => row.map((n) => n / 8));
const arbAlphas = (space: SearchSpace): fc.Arbitrary<Alphas> => {
  const rows = edgesOf(space.topology).length;
  return fc.record({
    normal: fc.array(arbRow(space.normal.length), { minLength: rows, maxLength: rows }),
    reduce: fc.array(arbRow(space.reduce.length), { minLength: rows, maxLength: rows }),
  });
};
const arbCase = arbSpace.chain((space) => fc.tuple(fc.constant(space), arbAlphas(space)));

describe('derivation properties', () => {
  test.prop([arbCase])('derived genotypes are valid: k distinct earlier predecessors, never none', ([space, alphas]) => {
    const g = derive(space)(alphas);
    expect(genotypeIssues(space)(g)).toEqual([]);
    for (const cell of [g.normal, g.reduce])
      cell.nodes.forEach((edges, node) => {
        expect(edges).toHaveLength(space.topology.edgesPerNode);
        expect(new Set(edges.map((e) => e.input)).size).toBe(edges.length);
        for (const e of edges) {
          expect(e.input).toBeLessThan(space.topology.inputs + node);
          expect(e.op).not.toBe('none');
        }
      });
  });

  test.prop([arbCase, fc.integer({ min: -80, max: 80 }), fc.nat()])(
    'adding a constant to one alpha row changes nothing',
    ([space, alphas], c, pick) => {
      const row = pick % alphas.normal.length;
      const shifted = { ...alphas, normal: alphas.normal.map((r, i) => (i === row ? r.map((a) => a + c / 8) : r)) };
      expect(derive(space)(shifted)).toEqual(derive(space)(alphas));
    },
  );

  test.prop([arbCase.chain(([space, alphas]) => fc.tuple(fc.constant(space), fc.constant(alphas), fc.shuffledSubarray([...space.normal.keys()], { minLength: space.normal.length })))])(
    'permuting op columns together with the op set changes nothing',
    ([space, alphas, perm]) => {
      const permuted = withOpSets({ normal: perm.map((i) => space.normal[i]!) })(space);
      const permAlphas = { ...alphas, normal: alphas.normal.map((row) => perm.map((i) => row[i]!)) };
      expect(derive(permuted)(permAlphas)).toEqual(derive(space)(alphas));
    },
  );
});
