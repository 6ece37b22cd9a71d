import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { DARTS_SPACE, PRIMITIVES } from '@approx-darts/search-space';
import {
  DARTS_V1,
  DARTS_V2,
  builtinGenotype,
  decodeGenotypeJson,
  genotypeToDot,
  genotypeToJson,
  parsePythonGenotype,
  printPythonGenotype,
  validateGenotype,
  type Genotype,
  type GenotypeCell,
} from './index';

// Written out by hand from the DARTS repository's genotypes.py layout (DESIGN §4 gives the facts).
const V2_PYTHON = `DARTS_V2 = Genotype(
    normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1),
            ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)],
    normal_concat=range(2, 6),
    reduce=[("max_pool_3x3", 0), ("max_pool_3x3", 1), ("skip_connect", 2), ("max_pool_3x3", 1), ("max_pool_3x3", 0),
            ("skip_connect", 2), ("skip_connect", 2), ("max_pool_3x3", 1),],
    reduce_concat=[2, 3, 4, 5])`;

describe('fixtures', () => {
  it('DARTS_V2 and DARTS_V1 are valid in the DARTS space and found by name', () => {
    expect(validateGenotype(DARTS_SPACE)(DARTS_V2)).toEqual(E.right(DARTS_V2));
    expect(validateGenotype(DARTS_SPACE)(DARTS_V1)).toEqual(E.right(DARTS_V1));
    expect(builtinGenotype('DARTS_V2')).toEqual(O.some(DARTS_V2));
    expect(builtinGenotype('darts_v1')).toEqual(O.some(DARTS_V1));
    expect(builtinGenotype('NASNet')).toEqual(O.none);
  });

  it('DARTS_V2 normal node 5 is skip_connect(0) + dil_conv_3x3(2) (DESIGN §4)', () => {
    expect(DARTS_V2.normal.nodes[3]).toEqual([
      { op: 'skip_connect', input: 0 },
      { op: 'dil_conv_3x3', input: 2 },
    ]);
  });
});

describe('Python genotype strings', () => {
  it('parses the published DARTS_V2 form with range() concat, either quote, trailing commas', () => {
    expect(parsePythonGenotype(V2_PYTHON)).toEqual(E.right(DARTS_V2));
  });

  it('prints the DARTS repr', () => {
    expect(printPythonGenotype(DARTS_V1)).toBe(
      "Genotype(normal=[('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), " +
        "('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), " +
        "('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 0), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), " +
        "('avg_pool_3x3', 0)], reduce_concat=[2, 3, 4, 5])",
    );
  });

  it.each([
    ['no Genotype', 'normal=[]', "no 'Genotype(' found"],
    ['unclosed', "Genotype(normal=[('sep_conv_3x3', 0)", 'expected'],
    ['odd edge count', "Genotype(normal=[('sep_conv_3x3', 0)], normal_concat=[2], reduce=[], reduce_concat=[])", 'normal has 1 edges, not a multiple of 2'],
    ['bad concat', "Genotype(normal=[], normal_concat='x', reduce=[], reduce_concat=[])", 'normal_concat must be a list of integers'],
  ])('rejects %s', (_, text, message) => {
    const r = parsePythonGenotype(text);
    expect(E.isLeft(r) && r.left).toContain(message);
  });
});

describe('JSON genotypes', () => {
  it('is the flat DARTS form', () => {
    const json = genotypeToJson(DARTS_V2);
    expect(json.normal[7]).toEqual(['dil_conv_3x3', 2]);
    expect(json.reduce_concat).toEqual([2, 3, 4, 5]);
    expect('edges_per_node' in json).toBe(false);
  });

  it('groups by edges_per_node and names failing fields', () => {
    const flat = { normal: [['skip_connect', 0], ['skip_connect', 1], ['skip_connect', 2]], normal_concat: [2, 3, 4], reduce: [], reduce_concat: [], edges_per_node: 1 };
    const r = decodeGenotypeJson(flat);
    expect(E.isRight(r) && r.right.normal.nodes.map((n) => n.length)).toEqual([1, 1, 1]);
    expect(decodeGenotypeJson({ ...flat, edges_per_node: 2 })).toEqual(E.left('normal has 3 edges, not a multiple of 2 per node'));
    expect(decodeGenotypeJson({ ...flat, normal: [['skip_connect', 'x']] })).toEqual(E.left('normal[0][1]: expected number, got "x"'));
    expect(decodeGenotypeJson({ ...flat, reduce_concat: undefined })).toEqual(E.left('reduce_concat: expected ReadonlyArray<number>, got nothing'));
  });
});

describe('validation against a space', () => {
  it('reports unknown ops, none, late inputs and wrong counts', () => {
    const bad: Genotype = {
      ...DARTS_V2,
      normal: {
        nodes: [
          [
            { op: 'none', input: 0 },
            { op: 'conv_7x7', input: 2 },
          ],
          ...DARTS_V2.normal.nodes.slice(1, 3),
        ],
        concat: [2, 3, 4, 9],
      },
    };
    const r = validateGenotype(DARTS_SPACE)(bad);
    expect(E.isLeft(r) && r.left.split('\n')).toEqual([
      'normal.nodes has 3 nodes, expected 4',
      "normal.nodes[0][0].op is 'none', which a derived cell never keeps",
      "normal.nodes[0][1].op 'conv_7x7' is not an operation of the normal op set",
      'normal.nodes[0][1].input must be an earlier state 0..1 of node 2, got 2',
      'normal.concat[3] must be a state 0..5, got 9',
    ]);
  });
});

describe('Graphviz', () => {
  it('draws every kept edge and every concat edge of both cells', () => {
    const dot = genotypeToDot(DARTS_V2);
    expect(dot.match(/ -> /g)).toHaveLength(2 * (8 + 4));
    expect(dot).toContain('"normal_2" -> "normal_5" [label="dil_conv_3x3"]');
    expect(dot).toContain('subgraph "cluster_reduce"');
  });
});

// Arbitrary well-formed genotypes: n nodes, k edges each, inputs earlier than the node, DARTS ops (not none).
const arbCell = (nodes: number, k: number): fc.Arbitrary<GenotypeCell> =>
  fc.record({
    nodes: fc.tuple(
      ...Array.from({ length: nodes }, (_, node) =>
        fc.array(fc.record({ op: fc.constantFrom(...PRIMITIVES.slice(1)), input: fc.integer({ min: 0, max: node + 1 }) }), { minLength: k, maxLength: k }),
      ),
    ),
    concat: fc.constant(Array.from({ length: nodes }, (_, i) => i + 2)),
  });
const arbGenotype = (k: number): fc.Arbitrary<Genotype> =>
  fc.integer({ min: 1, max: 6 }).chain((n) => fc.record({ normal: arbCell(n, k), reduce: arbCell(n, k) }));

describe('round trips', () => {
  test.prop([fc.integer({ min: 1, max: 3 }).chain(arbGenotype)])('genotype JSON', (g) => {
    expect(decodeGenotypeJson(JSON.parse(JSON.stringify(genotypeToJson(g))))).toEqual(E.right(g));
  });

  test.prop([arbGenotype(2)])('Python genotype string', (g) => {
    expect(parsePythonGenotype(printPythonGenotype(g))).toEqual(E.right(g));
  });

  test.prop([arbGenotype(3)])('Python genotype string with k = 3', (g) => {
    expect(parsePythonGenotype(printPythonGenotype(g), 3)).toEqual(E.right(g));
  });
});
