import * as t from 'io-ts';

/**
 * An operation of the search space as data. The kind fixes the structure (docs/DARTS.md); the rest parameterizes it.
 * `multiplier` binds an approximate multiplier (a table name such as `mul8u_NGR`) to an approximable op;
 * absent means exact float arithmetic. Each kind is built once in `libs/network-plan/src/darts-blocks.ts` and
 * once in `libs/networks/src/search-network/operations.ts`.
 */
export const NoneOp = t.readonly(t.type({ kind: t.literal('none'), name: t.string }));
export const PoolOp = t.readonly(t.type({ kind: t.literal('pool'), name: t.string, pool: t.keyof({ max: null, avg: null }), kernel: t.number }));
export const SkipOp = t.readonly(t.type({ kind: t.literal('skip'), name: t.string }));
export const SepConvOp = t.readonly(
  t.intersection([t.type({ kind: t.literal('sep_conv'), name: t.string, kernel: t.number }), t.partial({ multiplier: t.string })]),
);
export const DilConvOp = t.readonly(
  t.intersection([
    t.type({ kind: t.literal('dil_conv'), name: t.string, kernel: t.number, dilation: t.number }),
    t.partial({ multiplier: t.string }),
  ]),
);
/** ReLU, k x k convolution (C to C channels), BN: the plain conv block of many DARTS follow-ups. */
export const ConvOp = t.readonly(
  t.intersection([t.type({ kind: t.literal('conv'), name: t.string, kernel: t.number }), t.partial({ multiplier: t.string })]),
);
export const Operation = t.union([NoneOp, PoolOp, SkipOp, SepConvOp, DilConvOp, ConvOp]);
export type Operation = t.TypeOf<typeof Operation>;
export type ApproximableOperation = t.TypeOf<typeof SepConvOp> | t.TypeOf<typeof DilConvOp> | t.TypeOf<typeof ConvOp>;

/**
 * Whether an op's convolutions may run on an approximate multiplier: sep and dil convs (ApproxDARTS) and the plain conv.
 * @example isApproximable({ kind: 'skip', name: 'skip_connect' }) === false
 */
export const isApproximable = (op: Operation): op is ApproximableOperation => op.kind === 'sep_conv' || op.kind === 'dil_conv' || op.kind === 'conv';

/**
 * Whether an op has no trainable weights (none, pools, identity skip; a stride-2 skip is a FactorizedReduce and does).
 * @example isParameterFree({ kind: 'pool', name: 'max_pool_3x3', pool: 'max', kernel: 3 }) === true
 */
export const isParameterFree = (op: Operation): boolean => op.kind === 'none' || op.kind === 'pool' || op.kind === 'skip';

/**
 * How an op behaves at stride 2 (reduction cells): skip becomes FactorizedReduce, the rest take the stride.
 * @example strideBehaviour({ kind: 'skip', name: 'skip_connect' }) === 'factorized_reduce'
 */
export const strideBehaviour = (op: Operation): 'strided' | 'factorized_reduce' | 'zero' =>
  op.kind === 'skip' ? 'factorized_reduce' : op.kind === 'none' ? 'zero' : 'strided';

/**
 * The multiplier an op runs on, or undefined for exact arithmetic.
 * @example multiplierOf({ kind: 'sep_conv', name: 'sep_conv_3x3', kernel: 3, multiplier: 'mul8u_NGR' }) === 'mul8u_NGR'
 */
export const multiplierOf = (op: Operation): string | undefined => (isApproximable(op) ? op.multiplier : undefined);

/**
 * A separable convolution op named as DARTS names it.
 * @example sepConv(3).name === 'sep_conv_3x3'
 */
export const sepConv = (kernel: number): Operation => ({ kind: 'sep_conv', name: `sep_conv_${kernel}x${kernel}`, kernel });

/**
 * A dilated (separable) convolution op named as DARTS names it; the name records a non-default dilation.
 * @example dilConv(3).name === 'dil_conv_3x3' && dilConv(3, 4).name === 'dil_conv_3x3_d4'
 */
export const dilConv = (kernel: number, dilation: number = 2): Operation => ({
  kind: 'dil_conv',
  name: `dil_conv_${kernel}x${kernel}${dilation === 2 ? '' : `_d${dilation}`}`,
  kernel,
  dilation,
});

/**
 * A plain ReLU-conv-BN op of k x k, named `conv_KxK`.
 * @example convOp(3).name === 'conv_3x3'
 */
export const convOp = (kernel: number): Operation => ({ kind: 'conv', name: `conv_${kernel}x${kernel}`, kernel });

/**
 * A pooling op named as DARTS names it.
 * @example poolOp('avg', 5).name === 'avg_pool_5x5'
 */
export const poolOp = (pool: 'max' | 'avg', kernel: number): Operation => ({ kind: 'pool', name: `${pool}_pool_${kernel}x${kernel}`, pool, kernel });

/**
 * The same op bound to `multiplier` (approximable ops only; others are returned unchanged).
 * @example multiplierOf(withMultiplier('mul8u_NGR')(sepConv(3))) === 'mul8u_NGR'
 */
export const withMultiplier =
  (multiplier: string) =>
  (op: Operation): Operation =>
    isApproximable(op) ? { ...op, multiplier } : op;

/**
 * The same op on exact arithmetic (its multiplier removed).
 * @example multiplierOf(exactOp(withMultiplier('mul8u_NGR')(sepConv(3)))) === undefined
 */
export const exactOp = (op: Operation): Operation => {
  if (!isApproximable(op) || op.multiplier === undefined) return op;
  // Destructuring drops the field: with exactOptionalPropertyTypes, `multiplier: undefined` would not type-check.
  const { multiplier: _dropped, ...rest } = op;
  return rest;
};

const isPositiveInt = (n: number): boolean => Number.isInteger(n) && n > 0;
const isOddPositiveInt = (n: number): boolean => isPositiveInt(n) && n % 2 === 1;

/**
 * Semantic problems of one op, as `[field, message]` pairs (empty when valid). Kernels are odd so that
 * 'same' padding keeps the spatial size; dilations are positive integers; names and multipliers are non-empty.
 * @example operationProblems(sepConv(4)) // [['kernel', 'must be a positive odd integer, got 4']]
 */
export const operationProblems = (op: Operation): readonly (readonly [string, string])[] => {
  const problems: (readonly [string, string])[] = [];
  if (op.name.trim() === '') problems.push(['name', 'must not be empty']);
  if ((op.kind === 'pool' || isApproximable(op)) && !isOddPositiveInt(op.kernel))
    problems.push(['kernel', `must be a positive odd integer, got ${op.kernel}`]);
  if (op.kind === 'dil_conv' && !isPositiveInt(op.dilation)) problems.push(['dilation', `must be a positive integer, got ${op.dilation}`]);
  if (isApproximable(op) && op.multiplier !== undefined && op.multiplier.trim() === '') problems.push(['multiplier', 'must not be empty']);
  // A decoded file keeps keys its kind does not have: a multiplier there would be silently ignored.
  if (!isApproximable(op) && 'multiplier' in op) problems.push(['multiplier', `is not allowed on a ${op.kind} op (only sep_conv, dil_conv and conv multiply)`]);
  return problems;
};
