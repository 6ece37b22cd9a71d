import { configDifferences, showValue, type ConfigChange, type FieldDifference } from '@approx-darts/run-store';
import { dataDifferences, DataIdentity } from '@approx-darts/cifar10';
import { ResumeError } from '../run-errors';

/** Which flag sets a config field: the longest matching path prefix wins. */
export type FlagOfField = readonly (readonly [prefix: string, flag: string])[];

const under = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}.`);

const flagOf = (flags: FlagOfField, path: string): string | undefined =>
  [...flags].filter(([prefix]) => under(path, prefix)).sort((a, b) => b[0].length - a[0].length)[0]?.[1];

type Json = Readonly<Record<string, unknown>>;

/** `obj` with the leaf at dotted `path` set to `value` (removed when undefined); copies along the path. */
const setPath = (obj: Json, path: readonly string[], value: unknown): Json => {
  const [head, ...rest] = path;
  if (head === undefined) return obj;
  if (rest.length === 0) {
    const { [head]: _dropped, ...others } = obj;
    return value === undefined ? others : { ...others, [head]: value };
  }
  const child = obj[head];
  return { ...obj, [head]: setPath(typeof child === 'object' && child !== null && !Array.isArray(child) ? (child as Json) : {}, rest, value) };
};

/** How a resume's requested config relates to the recorded one. */
export interface ResumeRules {
  /** What kind of run, for messages: 'search', 'training'. */
  readonly run: string;
  /** Config fields (path prefixes) a resume may change, each with the flag that changes it. */
  readonly mutable: FlagOfField;
  /** The mutable fields the user set on this command line (only those change; others keep the run's values). */
  readonly explicit: readonly string[];
  /** Flag names of the other fields, for messages. */
  readonly flags: FlagOfField;
}

const describeDifference = (rules: ResumeRules) => (d: FieldDifference): string => {
  const flag = flagOf(rules.flags, d.path);
  return `${d.path}${flag === undefined ? '' : ` (${flag})`} is ${showValue(d.was)} in the run, ${showValue(d.now)} now`;
};

/**
 * The config a resume continues with: the recorded one, with the mutable fields the user set explicitly changed.
 * Any other difference (and other data) is refused, naming each field, its flag and both values. `history` and
 * `data` are compared apart: the history is carried over (plus this resume's change), the data by its digests.
 */
export const reconcileResume = (
  where: string,
  recorded: Json,
  requested: Json,
  rules: ResumeRules,
  epoch: number,
): { readonly config: Json; readonly change: ConfigChange | undefined } => {
  const { history: _h1, data: recordedData, ...was } = recorded;
  const { history: _h2, data: requestedData, ...now } = requested;
  const differences = configDifferences(was, now);
  const isMutable = (d: FieldDifference): boolean => rules.mutable.some(([p]) => under(d.path, p));
  const refused = differences.filter((d) => !isMutable(d)).map(describeDifference(rules));
  const data = DataIdentity.is(recordedData) && DataIdentity.is(requestedData) ? dataDifferences(recordedData, requestedData) : [];
  if (refused.length > 0 || data.length > 0)
    throw new ResumeError(
      `${where} holds a ${rules.run} run with a different configuration: ${[...data, ...refused].join('; ')}; ` +
        `resume with the run's flags and data (only ${rules.mutable.map(([, f]) => f).join(', ')} may change on --resume), or choose another --out`,
    );
  const changed = differences.filter((d) => isMutable(d) && rules.explicit.some((p) => under(d.path, p)));
  const base = changed.reduce<Json>((c, d) => setPath(c, d.path.split('.'), d.now), was);
  const history = [...(Array.isArray(recorded['history']) ? (recorded['history'] as readonly unknown[]) : [])];
  const change: ConfigChange | undefined = changed.length > 0 ? { epoch, changed: changed.map((d) => ({ path: d.path, was: d.was, now: d.now })) } : undefined;
  const carried = recordedData ?? requestedData;
  return {
    config: { ...base, ...(carried !== undefined ? { data: carried } : {}), ...(history.length > 0 || change ? { history: [...history, ...(change ? [change] : [])] } : {}) },
    change,
  };
};

/**
 * What a run loop checks when it resumes a config already reconciled: how `config` differs from the recorded one,
 * besides the changes its history records for this resume (its last entry, at the checkpoint's `epoch`); the data
 * are compared by their digests. Empty when the resume is consistent.
 */
export const unrecordedDifferences = (recorded: Json, config: Json, epoch: number): readonly string[] => {
  const { history: _h1, data: d1, ...was } = recorded;
  const { history, data: d2, ...now } = config;
  const changes = Array.isArray(history) ? (history as readonly ConfigChange[]) : [];
  const last = changes[changes.length - 1];
  const allowed = new Set(last !== undefined && last.epoch === epoch ? last.changed.map((c) => c.path) : []);
  return [
    ...(DataIdentity.is(d1) && DataIdentity.is(d2) ? dataDifferences(d1, d2) : []),
    ...configDifferences(was, now)
      .filter((d) => !allowed.has(d.path))
      .map((d) => `${d.path} is ${showValue(d.was)} in the run, ${showValue(d.now)} now`),
  ];
};

/** Refuses a fresh start whose config differs from the recorded one, naming the fields (no resume involved). */
export const describeDifferences = (recorded: Json, requested: Json, flags: FlagOfField): readonly string[] => {
  const { history: _h1, data: d1, ...was } = recorded;
  const { history: _h2, data: d2, ...now } = requested;
  return [
    ...(DataIdentity.is(d1) && DataIdentity.is(d2) ? dataDifferences(d1, d2) : []),
    ...configDifferences(was, now).map(describeDifference({ run: '', mutable: [], explicit: [], flags })),
  ];
};
