import * as O from 'fp-ts/Option';
import { groupEdges, type Genotype, type GenotypeEdge } from './genotype';

const edges = (flat: readonly (readonly [string, number])[]): readonly (readonly GenotypeEdge[])[] =>
  groupEdges(
    flat.map(([op, input]) => ({ op, input })),
    2,
  );

const CONCAT = [2, 3, 4, 5];

/** Original DARTS, first order (Liu et al., 2018), as published (docs/DARTS.md). */
export const DARTS_V1: Genotype = {
  normal: {
    nodes: edges([
      ['sep_conv_3x3', 1], ['sep_conv_3x3', 0], ['skip_connect', 0], ['sep_conv_3x3', 1],
      ['skip_connect', 0], ['sep_conv_3x3', 1], ['sep_conv_3x3', 0], ['skip_connect', 2],
    ]),
    concat: CONCAT,
  },
  reduce: {
    nodes: edges([
      ['max_pool_3x3', 0], ['max_pool_3x3', 1], ['skip_connect', 2], ['max_pool_3x3', 0],
      ['max_pool_3x3', 0], ['skip_connect', 2], ['skip_connect', 2], ['avg_pool_3x3', 0],
    ]),
    concat: CONCAT,
  },
};

/** Original DARTS, second order (Liu et al., 2018), as published (docs/DARTS.md). */
export const DARTS_V2: Genotype = {
  normal: {
    nodes: edges([
      ['sep_conv_3x3', 0], ['sep_conv_3x3', 1], ['sep_conv_3x3', 0], ['sep_conv_3x3', 1],
      ['sep_conv_3x3', 1], ['skip_connect', 0], ['skip_connect', 0], ['dil_conv_3x3', 2],
    ]),
    concat: CONCAT,
  },
  reduce: {
    nodes: edges([
      ['max_pool_3x3', 0], ['max_pool_3x3', 1], ['skip_connect', 2], ['max_pool_3x3', 1],
      ['max_pool_3x3', 0], ['skip_connect', 2], ['skip_connect', 2], ['max_pool_3x3', 1],
    ]),
    concat: CONCAT,
  },
};

/** The built-in genotypes by name; `DARTS` is DARTS_V2, as in the DARTS code. */
export const BUILTIN_GENOTYPES: Readonly<Record<string, Genotype>> = { DARTS_V1, DARTS_V2, DARTS: DARTS_V2 };

/**
 * Looks up a built-in genotype by name (case-insensitive).
 * @example builtinGenotype('darts_v2') // some(DARTS_V2)
 */
export const builtinGenotype = (name: string): O.Option<Genotype> => O.fromNullable(BUILTIN_GENOTYPES[name.toUpperCase()]);
