import * as O from 'fp-ts/Option';
import { convOp, dilConv, exactOp, poolOp, sepConv, type Operation } from './operation';

// The canonical names the op constructors give (`sepConv(7).name === 'sep_conv_7x7'`), read back. A kernel is
// written `KxK` with the same K twice; `dil_conv` names a non-default dilation with `_dD`.
const KERNEL = String.raw`(\d+)x(\d+)`;
const patterns: readonly (readonly [RegExp, (m: RegExpExecArray) => Operation | undefined])[] = [
  [/^none$/, () => ({ kind: 'none', name: 'none' })],
  [/^skip_connect$/, () => ({ kind: 'skip', name: 'skip_connect' })],
  [new RegExp(`^(max|avg)_pool_${KERNEL}$`), (m) => square(m, 2, (k) => poolOp(m[1] === 'max' ? 'max' : 'avg', k))],
  [new RegExp(`^sep_conv_${KERNEL}$`), (m) => square(m, 1, sepConv)],
  [new RegExp(`^dil_conv_${KERNEL}(?:_d(\\d+))?$`), (m) => square(m, 1, (k) => dilConv(k, m[3] === undefined ? 2 : Number(m[3])))],
  [new RegExp(`^conv_${KERNEL}$`), (m) => square(m, 1, convOp)],
];

const square = (m: RegExpExecArray, at: number, make: (k: number) => Operation): Operation | undefined =>
  m[at] === m[at + 1] ? make(Number(m[at])) : undefined;

/**
 * The op a canonical name stands for (exact arithmetic), the way genotypes without op definitions are read:
 * `none`, `skip_connect`, `{max,avg}_pool_KxK`, `sep_conv_KxK`, `dil_conv_KxK[_dD]` (dilation 2 unless named),
 * `conv_KxK` (ReLU-conv-BN).
 * @example operationFromName('sep_conv_7x7') // some({ kind: 'sep_conv', name: 'sep_conv_7x7', kernel: 7 })
 */
export const operationFromName = (name: string): O.Option<Operation> => {
  for (const [pattern, make] of patterns) {
    const m = pattern.exec(name);
    if (m) return O.fromNullable(make(m));
  }
  return O.none;
};

/** The names `operationFromName` reads, for messages. */
export const VOCABULARY = 'none, skip_connect, max_pool_KxK, avg_pool_KxK, sep_conv_KxK, dil_conv_KxK[_dD], conv_KxK';

/**
 * Whether an op is exactly what its name reads as (its multiplier aside): such an op needs no definition besides its name.
 * @example isNamedCanonically(sepConv(5)) === true && isNamedCanonically({ kind: 'sep_conv', name: 'wide', kernel: 5 }) === false
 */
export const isNamedCanonically = (op: Operation): boolean => {
  const read = operationFromName(op.name);
  return O.isSome(read) && sameFields(read.value, exactOp(op));
};

// Field-by-field equality of two flat ops (key order aside: a decoded file need not follow the constructors').
const sameFields = (a: Operation, b: Operation): boolean => {
  const fa = Object.entries(a).sort(([x], [y]) => x.localeCompare(y));
  const fb = Object.entries(b).sort(([x], [y]) => x.localeCompare(y));
  return fa.length === fb.length && fa.every(([k, v], i) => fb[i]?.[0] === k && fb[i]?.[1] === v);
};
