import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import * as E from 'fp-ts/Either';
import { DARTS_SPACE, edgesOf, isApproximable, operationFromName, sepConv } from '@approx-darts/search-space';
import * as O from 'fp-ts/Option';
import {
  DARTS_V2,
  approximableColumns,
  decodeGenotypeJson,
  derive,
  edgeMultipliers,
  edgeOperation,
  formatGenotype,
  genotypeToDot,
  genotypeToJson,
  parsePythonGenotype,
  printPythonGenotype,
  withDerivedMultipliers,
  zeroAlphas,
  type Genotype,
  type GenotypeCell,
  type MultiplierAlphas,
} from './index';

const NAMES = ['mul8u_1JFF', 'mul8u_NGR', 'mul8u_DM1', 'fp32'] as const;

const approximableName = (name: string): boolean => {
  const op = operationFromName(name);
  return O.isSome(op) && isApproximable(op.value);
};

/** DARTS_V2 with a multiplier (or none) drawn for every approximable edge. */
const mixedV2 = fc.array(fc.option(fc.constantFrom(...NAMES), { nil: undefined }), { minLength: 16, maxLength: 16 }).map((picks): Genotype => {
  let i = 0;
  const cell = (c: GenotypeCell): GenotypeCell => ({
    ...c,
    nodes: c.nodes.map((edges) =>
      edges.map((e) => {
        const m = picks[i++];
        return m !== undefined && approximableName(e.op) ? { ...e, multiplier: m } : e;
      }),
    ),
  });
  return { normal: cell(DARTS_V2.normal), reduce: cell(DARTS_V2.reduce) };
});

describe('genotypes with per-edge multipliers', () => {
  test.prop([mixedV2])('round-trip through the JSON and the Python forms', (g) => {
    expect(decodeGenotypeJson(JSON.parse(JSON.stringify(genotypeToJson(g))))).toEqual(E.right(g));
    expect(parsePythonGenotype(printPythonGenotype(g))).toEqual(E.right(g));
  });

  it('write the multiplier as a third element, and two-element entries stay as they were', () => {
    const g: Genotype = { ...DARTS_V2, normal: { ...DARTS_V2.normal, nodes: [[{ op: 'sep_conv_3x3', input: 0, multiplier: 'mul8u_NGR' }, { op: 'sep_conv_3x3', input: 1 }], ...DARTS_V2.normal.nodes.slice(1)] } };
    expect(genotypeToJson(g).normal.slice(0, 2)).toEqual([['sep_conv_3x3', 0, 'mul8u_NGR'], ['sep_conv_3x3', 1]]);
    expect(genotypeToJson(DARTS_V2).normal.every((e) => e.length === 2)).toBe(true);
    expect(printPythonGenotype(g)).toContain("('sep_conv_3x3', 0, 'mul8u_NGR'), ('sep_conv_3x3', 1)");
    expect(formatGenotype(g).split('\n')[1]).toBe('  state 2 = sep_conv_3x3@mul8u_NGR(0) + sep_conv_3x3(1)');
    expect(genotypeToDot(g)).toContain('[label="sep_conv_3x3@mul8u_NGR"]');
    expect(edgeMultipliers(g)).toEqual(['mul8u_NGR']);
    expect(decodeGenotypeJson({ ...genotypeToJson(DARTS_V2), normal: [['sep_conv_3x3', 0, 7], ...genotypeToJson(DARTS_V2).normal.slice(1)] })._tag).toBe('Left');
  });

  it('bind the edge op to its table, fp32 to exact arithmetic, and leave other ops alone', () => {
    expect(edgeOperation(sepConv(3), { op: 'sep_conv_3x3', input: 0, multiplier: 'mul8u_DM1' })).toEqual({ ...sepConv(3), multiplier: 'mul8u_DM1' });
    expect(edgeOperation({ ...sepConv(3), multiplier: 'mul8u_NGR' } as never, { op: 'sep_conv_3x3', input: 0, multiplier: 'fp32' })).toEqual(sepConv(3));
    const skip = { kind: 'skip', name: 'skip_connect' } as const;
    expect(edgeOperation(skip, { op: 'skip_connect', input: 0, multiplier: 'mul8u_DM1' })).toEqual(skip);
  });
});

describe('multiplier derivation', () => {
  test.prop([fc.array(fc.nat({ max: NAMES.length - 1 }), { minLength: 14 * 4, maxLength: 14 * 4 })])(
    'keeps the DARTS ops and gives each kept approximable edge its argmax multiplier',
    (winners) => {
      const alphas = zeroAlphas(DARTS_SPACE);
      // Edge e prefers sep_conv_3x3 (column 4), so every derived edge is approximable.
      const rows = alphas.normal.map((r, e) => r.map((_, c) => (c === 4 ? 1 + e / 100 : 0)));
      const k = approximableColumns(DARTS_SPACE.normal).length;
      const betaRows = edgesOf(DARTS_SPACE.topology).map((e) => Array.from({ length: k }, (_, j) => NAMES.map((_, m) => (m === winners[e.index * k + j] ? 3 : 0))));
      const betas: MultiplierAlphas = { multipliers: NAMES, normal: betaRows, reduce: betaRows };
      const ops = derive(DARTS_SPACE)({ normal: rows, reduce: alphas.reduce });
      const g = withDerivedMultipliers(DARTS_SPACE, betas)(ops);
      const edges = edgesOf(DARTS_SPACE.topology);
      g.normal.nodes.forEach((kept, node) =>
        kept.forEach((edge, i) => {
          expect({ op: edge.op, input: edge.input }).toEqual(ops.normal.nodes[node]?.[i]);
          const at = edges.find((e) => e.from === edge.input && e.to === node + 2);
          expect(edge.multiplier).toBe(NAMES[winners[(at?.index ?? -1) * k + 0] ?? -1]);
        }),
      );
      // Reduce cells of zero alphas keep max_pool_3x3, which does not multiply: no multiplier there.
      expect(g.reduce.nodes.flat().every((e) => e.multiplier === undefined)).toBe(true);
    },
  );
});
