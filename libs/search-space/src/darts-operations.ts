import type { Operation } from './operation';
import type { PrimitiveName } from './primitives';

/**
 * The original DARTS operations as data, keyed by primitive name (docs/DARTS.md).
 * @example DARTS_OPERATIONS.dil_conv_5x5.kind === 'dil_conv'
 */
export const DARTS_OPERATIONS: { readonly [K in PrimitiveName]: Operation } = {
  none: { kind: 'none', name: 'none' },
  max_pool_3x3: { kind: 'pool', name: 'max_pool_3x3', pool: 'max', kernel: 3 },
  avg_pool_3x3: { kind: 'pool', name: 'avg_pool_3x3', pool: 'avg', kernel: 3 },
  skip_connect: { kind: 'skip', name: 'skip_connect' },
  sep_conv_3x3: { kind: 'sep_conv', name: 'sep_conv_3x3', kernel: 3 },
  sep_conv_5x5: { kind: 'sep_conv', name: 'sep_conv_5x5', kernel: 5 },
  dil_conv_3x3: { kind: 'dil_conv', name: 'dil_conv_3x3', kernel: 3, dilation: 2 },
  dil_conv_5x5: { kind: 'dil_conv', name: 'dil_conv_5x5', kernel: 5, dilation: 2 },
};
