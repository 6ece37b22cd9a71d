import * as t from 'io-ts';

/** One field that differs between two configurations: its dotted path and both values. */
export interface FieldDifference {
  readonly path: string;
  readonly was: unknown;
  readonly now: unknown;
}

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

/**
 * The leaf fields in which two JSON values differ, by path (`plan.weights.lr.lr`, `space.normal[4].kernel`), in key
 * order. Arrays of one length are compared element by element (a whole op set, shortened for the message, was cut
 * off before its difference); arrays of different lengths and values of different kinds are compared whole.
 * @example configDifferences({ a: 1, b: { c: 2 } }, { a: 1, b: { c: 3 } }) // [{ path: 'b.c', was: 2, now: 3 }]
 */
export const configDifferences = (was: unknown, now: unknown, path = ''): readonly FieldDifference[] => {
  if (isRecord(was) && isRecord(now))
    return [...new Set([...Object.keys(was), ...Object.keys(now)])].flatMap((k) => configDifferences(was[k], now[k], path === '' ? k : `${path}.${k}`));
  if (Array.isArray(was) && Array.isArray(now) && was.length === now.length) return was.flatMap((w, i) => configDifferences(w, now[i], `${path}[${i}]`));
  return JSON.stringify(was) === JSON.stringify(now) ? [] : [{ path: path === '' ? '(whole)' : path, was, now }];
};

/** A change a resume made to a run's configuration: at which epoch, which fields, from what to what. */
export const ConfigChange = t.readonly(
  t.type({
    /** The epoch the resumed run continued at (0-based): the change applies from this epoch on. */
    epoch: t.number,
    changed: t.readonlyArray(t.readonly(t.type({ path: t.string, was: t.unknown, now: t.unknown }))),
  }),
);
export type ConfigChange = t.TypeOf<typeof ConfigChange>;

/** The changes a run's configuration went through, oldest first (stored in the run's config). */
export const ConfigHistory = t.readonlyArray(ConfigChange);
export type ConfigHistory = t.TypeOf<typeof ConfigHistory>;

/** Renders a value of a difference for a message: JSON, shortened. */
export const showValue = (u: unknown): string => {
  const s = u === undefined ? 'unset' : JSON.stringify(u);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};
