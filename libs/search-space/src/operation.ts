import * as t from 'io-ts';

/**
 * An operation of the search space as data. The kind fixes the structure (DESIGN §4); the rest parameterizes it.
 * `multiplier` binds an approximate multiplier (a table name such as `mul8u_NGR`) to an approximable op;
 * absent means exact float arithmetic.
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
export const Operation = t.union([NoneOp, PoolOp, SkipOp, SepConvOp, DilConvOp]);
export type Operation = t.TypeOf<typeof Operation>;
export type ApproximableOperation = t.TypeOf<typeof SepConvOp> | t.TypeOf<typeof DilConvOp>;

/**
 * Whether an op's convolutions may run on an approximate multiplier (ApproxDARTS: sep and dil convs).
 * @example isApproximable({ kind: 'skip', name: 'skip_connect' }) === false
 */
export const isApproximable = (op: Operation): op is ApproximableOperation => op.kind === 'sep_conv' || op.kind === 'dil_conv';

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
