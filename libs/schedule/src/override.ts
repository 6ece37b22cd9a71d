import { pipe } from 'fp-ts/function';
import * as E from 'fp-ts/Either';
import type { BiLevelPlan, TrainPlan } from './bilevel-plan';
import { decodeBiLevelPlan, decodeTrainPlan } from './plan-codecs';

/** A recursive partial: objects may omit any field at any depth; arrays and scalars are replaced whole. */
export type DeepPartial<A> = A extends readonly unknown[] ? A : A extends object ? { readonly [K in keyof A]?: DeepPartial<A[K]> } : A;

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

/**
 * Merges `patch` into `base` field by field. A patched object with a different `kind` (another schedule or
 * optimizer) replaces the base object instead of mixing two variants. Decode the result to check it.
 * @example deepMerge({ a: 1, b: { c: 2, d: 3 } }, { b: { c: 5 } }) // { a: 1, b: { c: 5, d: 3 } }
 */
export const deepMerge = <A>(base: A, patch: DeepPartial<A>): A => {
  if (!isRecord(base) || !isRecord(patch)) return (patch === undefined ? base : patch) as A;
  if ('kind' in patch && patch['kind'] !== base['kind']) return patch as A;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) if (value !== undefined) merged[key] = deepMerge(base[key], value);
  return merged as A;
};

/**
 * A search plan preset with some fields overridden, checked by the plan codec.
 * @example overrideSearchPlan(PAPER_SEARCH_PLAN, { epochs: 10, warmupEpochs: 3 }) // right({ ...PAPER_SEARCH_PLAN, epochs: 10, warmupEpochs: 3 })
 */
export const overrideSearchPlan = (base: BiLevelPlan, patch: DeepPartial<BiLevelPlan>): E.Either<string, BiLevelPlan> =>
  pipe(deepMerge(base, patch), decodeBiLevelPlan);

/**
 * A training plan preset with some fields overridden, checked by the plan codec.
 * @example overrideTrainPlan(PAPER_TRAIN_PLAN, { optimizer: { weightDecay: 3e-4 } }) // right(...)
 */
export const overrideTrainPlan = (base: TrainPlan, patch: DeepPartial<TrainPlan>): E.Either<string, TrainPlan> =>
  pipe(deepMerge(base, patch), decodeTrainPlan);
