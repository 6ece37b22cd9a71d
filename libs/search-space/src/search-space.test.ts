import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  DARTS_OPERATIONS,
  DARTS_OP_SET,
  DARTS_SPACE,
  approxDartsSpace,
  bindMultiplier,
  concatOf,
  convOp,
  decodeSearchSpace,
  dilConv,
  edgesOf,
  extendOps,
  isNamedCanonically,
  multiplierOf,
  multipliersOf,
  operationFromName,
  poolOp,
  reductionCellsOf,
  reductionPositions,
  restrictOps,
  runMultiplierOf,
  sepConv,
  unbindMultipliers,
  withEdgesPerNode,
  withMacro,
  withMultiplier,
  withNodes,
  withOpSets,
  withoutOps,
  type SearchSpace,
} from './index';

const leftOf = (json: unknown): string => {
  const r = decodeSearchSpace(json);
  if (E.isRight(r)) throw new Error('expected the space to be rejected');
  return r.left;
};

describe('the DARTS spaces', () => {
  it('has 14 edges in DARTS order and concat 2..5', () => {
    const edges = edgesOf(DARTS_SPACE.topology);
    expect(edges).toHaveLength(14);
    expect(edges.slice(0, 5).map((e) => [e.from, e.to])).toEqual([[0, 2], [1, 2], [0, 3], [1, 3], [2, 3]]);
    expect(concatOf(DARTS_SPACE.topology)).toEqual([2, 3, 4, 5]);
    expect(reductionCellsOf(DARTS_SPACE.macro)).toEqual([2, 5]);
  });

  it('decodes DARTS and ApproxDARTS', () => {
    expect(decodeSearchSpace(DARTS_SPACE)).toEqual(E.right(DARTS_SPACE));
    expect(E.isRight(decodeSearchSpace(approxDartsSpace('mul8u_NGR')))).toBe(true);
  });

  it('ApproxDARTS binds exactly the sep and dil convolutions', () => {
    const space = approxDartsSpace('mul8u_NGR');
    const bound = space.normal.filter((op) => multiplierOf(op) === 'mul8u_NGR').map((op) => op.name);
    expect(bound).toEqual(['sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5']);
    expect(space.reduce.map((op) => op.name)).toEqual(DARTS_SPACE.reduce.map((op) => op.name));
    expect(multipliersOf(space)).toEqual(['mul8u_NGR']);
    expect(unbindMultipliers(space)).toEqual(DARTS_SPACE);
  });
});

describe('invalid spaces are rejected with the failing path', () => {
  it.each<[string, unknown, string]>([
    ['duplicate names', { ...DARTS_SPACE, normal: [...DARTS_OP_SET, sepConv(3)] }, "normal[8].name duplicates the op name 'sep_conv_3x3' of normal[4]"],
    ['zero nodes', withNodes(0)(DARTS_SPACE), 'topology.nodes must be a positive integer, got 0'],
    ['k > inputs', withEdgesPerNode(3)(DARTS_SPACE), 'topology.edgesPerNode exceeds the 2 inputs of the first node, got 3'],
    ['three inputs', { ...DARTS_SPACE, topology: { ...DARTS_SPACE.topology, inputs: 3 } }, 'topology.inputs must be 2 (a cell reads the outputs of the two cells before it), got 3'],
    ['even conv kernel', extendOps([convOp(2)], 'normal')(DARTS_SPACE), 'normal[8].kernel must be a positive odd integer, got 2'],
    ['even kernel', extendOps([sepConv(4)], 'reduce')(DARTS_SPACE), 'reduce[8].kernel must be a positive odd integer, got 4'],
    ['negative kernel', extendOps([poolOp('max', -3)])(DARTS_SPACE), 'normal[8].kernel must be a positive odd integer, got -3'],
    ['zero dilation', extendOps([dilConv(3, 0)])(DARTS_SPACE), 'normal[8].dilation must be a positive integer, got 0'],
    ['reduction out of range', withMacro({ reductions: [2, 8] })(DARTS_SPACE), 'macro.reductions[1] is out of range 0..7, got 8'],
    ['empty op set', restrictOps([], 'normal')(DARTS_SPACE), 'normal is an empty op set'],
    ['multiplier on a pool', { ...DARTS_SPACE, reduce: [...DARTS_OP_SET.slice(0, 1), { ...DARTS_OP_SET[1], multiplier: 'mul8u_NGR' }] }, 'reduce[1].multiplier is not allowed on a pool op (only sep_conv, dil_conv and conv multiply)'],
    ['only none', restrictOps(['none'], 'reduce')(DARTS_SPACE), "reduce needs at least one operation other than 'none'"],
    ['wrong kind', { ...DARTS_SPACE, normal: [{ kind: 'conv_bn', name: 'x' }] }, "normal[0]: expected an object with kind 'none' | 'pool' | 'skip' | 'sep_conv' | 'dil_conv' | 'conv', got"],
    ['missing field', { normal: DARTS_OP_SET, reduce: DARTS_OP_SET, topology: DARTS_SPACE.topology }, 'macro: expected'],
  ])('%s', (_, json, message) => {
    expect(leftOf(json)).toContain(message);
  });

  it('lists every problem, one per line', () => {
    expect(leftOf(withEdgesPerNode(0)(withNodes(0)(DARTS_SPACE))).split('\n')).toHaveLength(2);
  });
});

describe('combinators', () => {
  it('restrict keeps op-set order, without removes, extend appends', () => {
    expect(restrictOps(['sep_conv_3x3', 'none'])(DARTS_SPACE).normal.map((o) => o.name)).toEqual(['none', 'sep_conv_3x3']);
    expect(withoutOps(['none'], 'normal')(DARTS_SPACE).normal).toHaveLength(7);
    expect(withoutOps(['none'], 'normal')(DARTS_SPACE).reduce).toHaveLength(8);
    expect(extendOps([sepConv(7)])(DARTS_SPACE).normal.at(-1)?.name).toBe('sep_conv_7x7');
  });

  it('node count drives the edges: n nodes over i inputs give sum of (i + j) edges', () => {
    for (const nodes of [1, 3, 5]) expect(edgesOf(withNodes(nodes)(DARTS_SPACE).topology)).toHaveLength(nodes * 2 + (nodes * (nodes - 1)) / 2);
  });

  it('binds a multiplier to some ops of some cells only', () => {
    const space = bindMultiplier('mul8u_2AC', { ops: ['sep_conv_5x5', 'max_pool_3x3'], cells: 'reduce' })(DARTS_SPACE);
    expect(space.reduce.flatMap((o) => (multiplierOf(o) ? [o.name] : []))).toEqual(['sep_conv_5x5']);
    expect(space.normal.some((o) => multiplierOf(o) !== undefined)).toBe(false);
  });

  it('per-cell-type op sets', () => {
    const space = withOpSets({ reduce: DARTS_OP_SET.slice(0, 4) })(DARTS_SPACE);
    expect([space.normal.length, space.reduce.length]).toEqual([8, 4]);
    expect(E.isRight(decodeSearchSpace(space))).toBe(true);
  });
});

// Valid spaces built from the combinators, with a random op subset (always one non-`none` op) and topology.
const arbSpace: fc.Arbitrary<SearchSpace> = fc
  .record({
    keep: fc.subarray(DARTS_OP_SET.map((o) => o.name), { minLength: 1 }),
    reduceKeep: fc.subarray(DARTS_OP_SET.map((o) => o.name), { minLength: 1 }),
    nodes: fc.integer({ min: 1, max: 6 }),
    k: fc.integer({ min: 1, max: 2 }),
    multiplier: fc.option(fc.constantFrom('mul8u_NGR', 'mul8u_2AC')),
    cells: fc.integer({ min: 3, max: 20 }),
  })
  .map(({ keep, reduceKeep, nodes, k, multiplier, cells }) => {
    const ops = (names: readonly string[]) => DARTS_OP_SET.filter((o) => names.includes(o.name) || o.name === 'sep_conv_3x3');
    const base: SearchSpace = {
      normal: ops(keep),
      reduce: ops(reduceKeep),
      topology: { inputs: 2, nodes, edgesPerNode: k },
      macro: { ...DARTS_SPACE.macro, cells },
    };
    return multiplier === null ? base : bindMultiplier(multiplier)(base);
  });

test.prop([arbSpace], { seed: 20 })('search spaces round-trip through JSON', (space) => {
  expect(decodeSearchSpace(JSON.parse(JSON.stringify(space)))).toEqual(E.right(space));
});

describe('the op vocabulary', () => {
  it('reads every DARTS name back as its DARTS op', () => {
    for (const op of DARTS_OP_SET) expect(operationFromName(op.name)).toEqual(O.some(op));
  });

  it('reads kernels of any odd size, dilations, plain convs; refuses unequal kernels and unknown names', () => {
    expect(operationFromName('sep_conv_7x7')).toEqual(O.some(sepConv(7)));
    expect(operationFromName('dil_conv_3x3_d4')).toEqual(O.some(dilConv(3, 4)));
    expect(operationFromName('conv_1x1')).toEqual(O.some(convOp(1)));
    expect(operationFromName('avg_pool_5x5')).toEqual(O.some(poolOp('avg', 5)));
    expect(operationFromName('sep_conv_3x5')).toEqual(O.none);
    expect(operationFromName('conv_7x1_1x7')).toEqual(O.none);
  });

  it('an op is canonically named when its name reads back as it, multiplier aside, key order aside', () => {
    expect(isNamedCanonically(withMultiplier('mul8u_NGR')(sepConv(5)))).toBe(true);
    expect(isNamedCanonically({ kernel: 5, name: 'sep_conv_5x5', kind: 'sep_conv' })).toBe(true);
    expect(isNamedCanonically({ kind: 'sep_conv', name: 'sep_conv_5x5', kernel: 3 })).toBe(false);
    expect(isNamedCanonically({ kind: 'dil_conv', name: 'dil_conv_3x3', kernel: 3, dilation: 4 })).toBe(false);
  });

  test.prop([fc.constantFrom(sepConv, (k: number) => dilConv(k, 3), convOp, (k: number) => poolOp('max', k)), fc.integer({ min: 0, max: 6 })], { seed: 3 })(
    'names written by the constructors read back',
    (make, half) => {
      const op = make(2 * half + 1);
      expect(operationFromName(op.name)).toEqual(O.some(op));
    },
  );
});

describe('the multiplier of a run', () => {
  const fiveOnly = bindMultiplier('mul8u_2AC', { ops: ['sep_conv_5x5', 'dil_conv_5x5'] })(DARTS_SPACE);

  it('as bound, exact, or the table swapped keeping the pattern', () => {
    const sep5 = fiveOnly.normal[5]!;
    const sep3 = fiveOnly.normal[4]!;
    expect([runMultiplierOf(fiveOnly, undefined)(sep5), runMultiplierOf(fiveOnly, undefined)(sep3)]).toEqual(['mul8u_2AC', undefined]);
    expect(runMultiplierOf(fiveOnly, null)(sep5)).toBeUndefined();
    expect([runMultiplierOf(fiveOnly, 'mul8u_NGR')(sep5), runMultiplierOf(fiveOnly, 'mul8u_NGR')(sep3)]).toEqual(['mul8u_NGR', undefined]);
  });

  it('a space binding nothing gets the table on every approximable op (ApproxDARTS)', () => {
    const ofRun = runMultiplierOf(extendOps([convOp(3)])(DARTS_SPACE), 'mul8u_NGR');
    expect(extendOps([convOp(3)])(DARTS_SPACE).normal.filter((op) => ofRun(op) !== undefined).map((op) => op.name)).toEqual([
      'sep_conv_3x3',
      'sep_conv_5x5',
      'dil_conv_3x3',
      'dil_conv_5x5',
      'conv_3x3',
    ]);
    expect(ofRun(DARTS_OPERATIONS.max_pool_3x3)).toBeUndefined();
  });
});

describe('macro', () => {
  it('a one-cell network has one reduction, as DARTS builds it', () => {
    expect(reductionPositions(1)).toEqual([0]);
    expect(E.isRight(decodeSearchSpace(withMacro({ cells: 1 })(DARTS_SPACE)))).toBe(true);
  });
});
