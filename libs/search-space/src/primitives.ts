import * as t from 'io-ts';

/**
 * The eight DARTS primitives, in the original order: alpha columns follow it.
 * @example PRIMITIVES[4] === 'sep_conv_3x3'
 */
export const PRIMITIVES = [
  'none',
  'max_pool_3x3',
  'avg_pool_3x3',
  'skip_connect',
  'sep_conv_3x3',
  'sep_conv_5x5',
  'dil_conv_3x3',
  'dil_conv_5x5',
] as const;

export const PrimitiveName = t.keyof(Object.fromEntries(PRIMITIVES.map((p) => [p, null])) as Record<(typeof PRIMITIVES)[number], null>);
export type PrimitiveName = t.TypeOf<typeof PrimitiveName>;
