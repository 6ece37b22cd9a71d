import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { DARTS_SPACE, PRIMITIVES, approxDartsSpace, bindMultiplier, extendOps, sepConv, withNodes, withoutOps } from '@approx-darts/search-space';
import {
  DARTS_V1,
  DARTS_V2,
  builtinGenotype,
  decodeGenotypeJson,
  derive,
  genotypeOperations,
  genotypeToDot,
  genotypeToJson,
  parsePythonGenotype,
  printPythonGenotype,
  validateGenotype,
  zeroAlphas,
  type Genotype,
  type GenotypeCell,
} from './index';

// Written out by hand from the DARTS repository's genotypes.py layout (docs/DARTS.md gives the facts).
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

  it('DARTS_V2 normal node 5 is skip_connect(0) + dil_conv_3x3(2) (docs/DARTS.md)', () => {
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

  it('refuses an empty concat (a cell with no output fails deep inside training otherwise)', () => {
    const r = validateGenotype(DARTS_SPACE)({ ...DARTS_V2, reduce: { ...DARTS_V2.reduce, concat: [] } });
    expect(r).toEqual(E.left('reduce.concat is empty: the cell would output nothing (list at least one state)'));
  });
});

describe('Graphviz', () => {
  it('draws every kept edge and every concat edge of both cells', () => {
    const dot = genotypeToDot(DARTS_V2);
    expect(dot.match(/ -> /g)).toHaveLength(2 * (8 + 4));
    expect(dot).toContain('"normal_2" -> "normal_5" [label="dil_conv_3x3"]');
    expect(dot).toContain('subgraph "cluster_reduce"');
    // Nodes carry the state numbers the genotype text uses (state 2 = ...), not 0-based node indices.
    expect(dot).toContain('"normal_2" [label="state 2"');
    expect(dot).toContain('"normal_0" [label="state 0 (c_{k-2})"');
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

describe('op definitions a genotype carries', () => {
  const custom = bindMultiplier('mul8u_NGR', { ops: ['sep_conv_5x5'] })(extendOps([sepConv(7)])(withoutOps(['max_pool_3x3', 'avg_pool_3x3'], 'normal')(withNodes(5)(DARTS_SPACE))));

  it('DARTS and ApproxDARTS genotypes stay in the plain form; a partial approximation pattern or a non-canonical op is kept', () => {
    expect(derive(DARTS_SPACE)(zeroAlphas(DARTS_SPACE)).ops).toBeUndefined();
    expect(derive(approxDartsSpace('mul8u_NGR'))(zeroAlphas(DARTS_SPACE)).ops).toBeUndefined();
    expect(derive(custom)(zeroAlphas(custom)).ops).toEqual({ normal: custom.normal, reduce: custom.reduce });
    const renamed = { ...DARTS_SPACE, normal: DARTS_SPACE.normal.map((o) => (o.name === 'sep_conv_3x3' ? { ...o, name: 'sep3' } : o)) };
    expect(derive(renamed)(zeroAlphas(renamed)).ops?.normal).toEqual(renamed.normal);
  });

  it('names resolve through the ops, else through the vocabulary; names neither defines are reported with their path', () => {
    const g = derive(custom)(zeroAlphas(custom));
    expect(E.isRight(genotypeOperations(g)) && genotypeOperations(g)).toEqual(E.right(g.ops));
    const vocab = genotypeOperations(DARTS_V1);
    expect(E.isRight(vocab) && vocab.right.normal.map((o) => o.name)).toEqual(['sep_conv_3x3', 'skip_connect']);
    const named: Genotype = { ...DARTS_V2, normal: { ...DARTS_V2.normal, nodes: [[{ op: 'sep3', input: 0 }, { op: 'conv_7x1_1x7', input: 1 }], ...DARTS_V2.normal.nodes.slice(1)] } };
    const r = genotypeOperations(named);
    expect(E.isLeft(r) && r.left.split('\n')).toEqual([
      "normal.nodes[0][0].op 'sep3' is not a name the vocabulary reads (none, skip_connect, max_pool_KxK, avg_pool_KxK, sep_conv_KxK, dil_conv_KxK[_dD], conv_KxK) and the genotype carries no ops",
      "normal.nodes[0][1].op 'conv_7x1_1x7' is not a name the vocabulary reads (none, skip_connect, max_pool_KxK, avg_pool_KxK, sep_conv_KxK, dil_conv_KxK[_dD], conv_KxK) and the genotype carries no ops",
    ]);
    const withOps = genotypeOperations({ ...named, ops: DARTS_SPACE });
    expect(E.isLeft(withOps) && withOps.left).toContain("normal.nodes[0][0].op 'sep3' is not an operation of the genotype's ops.normal");
  });

  it('the JSON form keeps them, checks them, and refuses edges naming an op they lack', () => {
    const g = derive(custom)(zeroAlphas(custom));
    const json = JSON.parse(JSON.stringify(genotypeToJson(g))) as Record<string, unknown>;
    expect(decodeGenotypeJson(json)).toEqual(E.right(g));
    const ops = json['ops'] as { normal: unknown[]; reduce: unknown[] };
    expect(decodeGenotypeJson({ ...json, ops: { ...ops, normal: ops.normal.map((o, i) => (i === 4 ? { ...(o as object), kernel: 4 } : o)) } })).toEqual(
      E.left('ops.normal[4].kernel must be a positive odd integer, got 4'),
    );
    const missing = decodeGenotypeJson({ ...json, ops: { ...ops, reduce: ops.reduce.filter((o) => (o as { name: string }).name !== 'max_pool_3x3') } });
    expect(E.isLeft(missing) && missing.left).toMatch(/^reduce\[\d+\] 'max_pool_3x3' is not an operation of ops\.reduce$/m);
  });

  it('the Python string writes edges_per_node when it is not 2, and no ops', () => {
    const oneEdge = derive({ ...custom, topology: { ...custom.topology, edgesPerNode: 1 } })(zeroAlphas(custom));
    const text = printPythonGenotype(oneEdge);
    expect(text).toMatch(/reduce_concat=\[2, 3, 4, 5, 6\], edges_per_node=1\)$/);
    const { ops: _ops, ...names } = oneEdge;
    expect(parsePythonGenotype(text)).toEqual(E.right(names));
    expect(parsePythonGenotype(text.replace('edges_per_node=1', "edges_per_node='x'"))).toEqual(E.left('edges_per_node must be a positive integer'));
  });
});
