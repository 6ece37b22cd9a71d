import { pipe } from 'fp-ts/function';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { CELL_TYPES, edgesOf, formatDecodeErrors, issue, validated, type Issue, type SearchSpace } from '@approx-darts/search-space';

/**
 * Architecture parameters as data: one matrix per cell type, rows = edges in `edgesOf` order,
 * columns = the cell type's op set order.
 */
export const Alphas = t.readonly(t.type({ normal: t.readonlyArray(t.readonlyArray(t.number)), reduce: t.readonlyArray(t.readonlyArray(t.number)) }));
export type Alphas = t.TypeOf<typeof Alphas>;

/**
 * Dimension and finiteness problems of alphas against a space (empty when they fit).
 * @example alphasIssues(DARTS_SPACE)({ normal: [], reduce: [] })[0]?.message === 'has 0 rows, expected 14'
 */
export const alphasIssues =
  (space: SearchSpace) =>
  (alphas: Alphas): readonly Issue[] => {
    const rows = edgesOf(space.topology).length;
    return CELL_TYPES.flatMap((cell) => {
      const matrix = alphas[cell];
      const columns = space[cell].length;
      if (matrix.length !== rows) return [issue([cell], `has ${matrix.length} rows, expected ${rows}`)];
      return matrix.flatMap((row, r) =>
        row.length !== columns
          ? [issue([cell, r], `has ${row.length} columns, expected ${columns}`)]
          : row.flatMap((a, c) => (Number.isFinite(a) ? [] : [issue([cell, r, c], `must be a finite number, got ${a}`)])),
      );
    });
  };

/**
 * A codec for alphas whose dimensions fit `space` (14 x 8 per cell type for DARTS).
 * @example alphasCodec(DARTS_SPACE).is({ normal: [], reduce: [] }) === false
 */
export const alphasCodec = (space: SearchSpace): t.Type<Alphas, Alphas, unknown> => validated(Alphas, alphasIssues(space), 'Alphas');

/**
 * Decodes alphas from JSON against a space; the message names the failing field, e.g. `normal[3] has 7 columns, expected 8`.
 * @example decodeAlphas(DARTS_SPACE)({ normal: [[0]], reduce: [] }) // left('normal has 1 rows, expected 14\nreduce has 0 rows, expected 14')
 */
export const decodeAlphas =
  (space: SearchSpace) =>
  (json: unknown): E.Either<string, Alphas> =>
    pipe(alphasCodec(space).decode(json), E.mapLeft(formatDecodeErrors));

/**
 * Uniform alphas (all zero), the DARTS initialization up to its 1e-3 noise.
 * @example zeroAlphas(DARTS_SPACE).normal.length === 14
 */
export const zeroAlphas = (space: SearchSpace): Alphas => {
  const rows = edgesOf(space.topology).length;
  return { normal: Array.from({ length: rows }, () => space.normal.map(() => 0)), reduce: Array.from({ length: rows }, () => space.reduce.map(() => 0)) };
};
