import { fc } from '@fast-check/vitest';
import { pipe } from 'fp-ts/function';
import {
  DARTS_OP_SET,
  DARTS_SPACE,
  bindMultiplier,
  convOp,
  dilConv,
  edgesOf,
  extendOps,
  poolOp,
  sepConv,
  withEdgesPerNode,
  withMacro,
  withNodes,
  withoutOps,
  type CellType,
  type Operation,
  type SearchSpace,
} from '@approx-darts/search-space';
import type { Alphas } from '@approx-darts/genotype';

// Search spaces drawn the way a user composes them: the DARTS space through the combinators, with random node
// counts, kept edges, dropped DARTS ops (sep_conv_3x3 always stays, so an op set is never only `none`), extra ops
// of any odd kernel (sep, dil at any dilation, plain conv, pools), a multiplier bound to some ops, and a small macro.

const odd = (max: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: (max - 1) / 2 }).map((h) => 2 * h + 1);

const dartsNames = new Set(DARTS_OP_SET.map((o) => o.name));

const arbExtraOp: fc.Arbitrary<Operation> = fc
  .oneof(
    odd(9).map(sepConv),
    fc.tuple(odd(7), fc.integer({ min: 1, max: 3 })).map(([k, d]) => dilConv(k, d)),
    odd(5).map(convOp),
    fc.tuple(fc.constantFrom('max' as const, 'avg' as const), odd(5)).map(([p, k]) => poolOp(p, k)),
  )
  .filter((op) => !dartsNames.has(op.name));

const arbCells: fc.Arbitrary<readonly CellType[]> = fc.constantFrom(['normal'], ['reduce'], ['normal', 'reduce']);

const droppable = DARTS_OP_SET.map((o) => o.name).filter((n) => n !== 'sep_conv_3x3');

export const arbSpace: fc.Arbitrary<SearchSpace> = fc
  .record({
    nodes: fc.integer({ min: 1, max: 5 }),
    k: fc.integer({ min: 1, max: 2 }),
    drop: fc.subarray(droppable),
    dropCells: arbCells,
    extra: fc.uniqueArray(arbExtraOp, { maxLength: 3, selector: (o) => o.name }),
    extraCells: arbCells,
    bind: fc.option(fc.record({ multiplier: fc.constantFrom('mul8u_NGR', 'mul8u_2AC'), ops: fc.subarray([...DARTS_OP_SET.map((o) => o.name), 'sep_conv_7x7', 'conv_3x3']), cells: arbCells })),
    macro: fc.record({ cells: fc.integer({ min: 1, max: 4 }), channels: fc.integer({ min: 1, max: 4 }), stemMultiplier: fc.integer({ min: 1, max: 3 }), classes: fc.integer({ min: 2, max: 10 }) }),
  })
  .map(({ nodes, k, drop, dropCells, extra, extraCells, bind, macro }) =>
    pipe(
      DARTS_SPACE,
      withNodes(nodes),
      withEdgesPerNode(k),
      withoutOps(drop, dropCells),
      extendOps(extra, extraCells),
      (s) => (bind === null ? s : bindMultiplier(bind.multiplier, { ops: bind.ops, cells: bind.cells })(s)),
      withMacro(macro),
    ),
  );

// Logits on a 1/8 grid, distinct within a row (no ties, so the derivation does not hinge on float rounding).
const arbRow = (width: number): fc.Arbitrary<readonly number[]> =>
  fc.uniqueArray(fc.integer({ min: -40, max: 40 }), { minLength: width, maxLength: width }).map((row) => row.map((n) => n / 8));

export const arbAlphas = (space: SearchSpace): fc.Arbitrary<Alphas> => {
  const rows = edgesOf(space.topology).length;
  return fc.record({
    normal: fc.array(arbRow(space.normal.length), { minLength: rows, maxLength: rows }),
    reduce: fc.array(arbRow(space.reduce.length), { minLength: rows, maxLength: rows }),
  });
};

/** A space and alphas that fit it. */
export const arbSpaceWithAlphas: fc.Arbitrary<readonly [SearchSpace, Alphas]> = arbSpace.chain((space) => fc.tuple(fc.constant(space), arbAlphas(space)));
