import * as t from 'io-ts';

type AnyType = t.Decoder<unknown, unknown> & { readonly _tag?: string; readonly type?: AnyType; readonly types?: readonly AnyType[]; readonly props?: Readonly<Record<string, AnyType & { readonly value?: unknown }>> };

// Wrappers that validate through their inner codec without a context entry of their own.
const wrapperTags = new Set(['ReadonlyType', 'RefinementType', 'ExactType', 'StrictType', 'RecursiveType']);
const unwrap = (type: AnyType): AnyType => (type._tag !== undefined && wrapperTags.has(type._tag) && type.type !== undefined ? unwrap(type.type) : type);

// Unions and intersections add a context entry per member, keyed by member index, holding the same value as their
// parent: such keys are not part of the data's path. (A union run via `.validate` has no entry of its own, hence
// the identity test besides the tag test.)
const isMemberEntry = (entry: t.ContextEntry, parent: t.ContextEntry | undefined): boolean =>
  /^\d+$/.test(entry.key) &&
  parent !== undefined &&
  (['UnionType', 'IntersectionType'].includes(unwrap(parent.type as AnyType)._tag ?? '') || (entry.actual !== undefined && entry.actual === parent.actual));

/**
 * The path of a decode error as a reader would write it: `normal[3].kernel`.
 * @example pathOf([{ key: '', type: t.unknown, actual: 0 }, { key: 'normal', type: t.unknown, actual: 1 }]) === 'normal'
 */
export const pathOf = (context: t.Context): string =>
  context.slice(1).reduce((path, entry, i) => {
    if (isMemberEntry(entry, context[i])) return path;
    if (/^\d+$/.test(entry.key)) return `${path}[${entry.key}]`;
    return path === '' ? entry.key : `${path}.${entry.key}`;
  }, '');

// The literal `kind` of a tagged union member, if it has one.
const kindOf = (member: AnyType): unknown => {
  const m = unwrap(member);
  const props = m._tag === 'IntersectionType' ? unwrap(m.types?.[0] ?? m).props : m.props;
  return props?.['kind']?.value;
};

// Type names of tagged unions run to hundreds of characters; name the accepted kinds instead.
const expected = (type: AnyType): string => {
  const u = unwrap(type);
  const kinds = u._tag === 'UnionType' ? (u.types ?? []).map(kindOf) : [];
  if (kinds.length > 0 && kinds.every((k) => typeof k === 'string')) return `an object with kind ${kinds.map((k) => `'${String(k)}'`).join(' | ')}`;
  return type.name.length > 80 ? `${type.name.slice(0, 77)}...` : type.name;
};

const show = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
};

/**
 * One line per failing path: `path message` for semantic checks (messages read as predicates: "must be ...",
 * "has 7 columns, expected 8"), `path: expected TYPE, got VALUE` for structural ones.
 * @example formatDecodeErrors(t.type({ n: t.number }).decode({ n: 'x' }).left) // 'n: expected number, got "x"'
 */
export const formatDecodeErrors = (errors: t.Errors): string => {
  const lines = errors.map((e) => {
    const path = pathOf(e.context);
    if (e.message !== undefined) return path === '' ? e.message : `${path} ${e.message}`;
    const last = e.context[e.context.length - 1];
    return `${path || '(root)'}: expected ${last === undefined ? 'a valid value' : expected(last.type as AnyType)}, got ${show(e.value)}`;
  });
  return [...new Set(lines)].join('\n');
};

/** A semantic problem found after structural decoding: where (path segments) and what, phrased to follow the path. */
export interface Issue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Shorthand for an issue.
 * @example issue(['topology', 'nodes'], 'must be at least 1').message === 'must be at least 1'
 */
export const issue = (path: readonly (string | number)[], message: string): Issue => ({ path, message });

/**
 * A codec with the same static type as `codec` that also runs semantic `check`s, reporting each issue at its path.
 * Static types stay assignable from plain literals; invalid values are rejected at the boundary.
 * @example validated(t.number, (n) => (n > 0 ? [] : [issue([], 'must be positive')]), 'Positive').is(1) === true
 */
export const validated = <A, O>(codec: t.Type<A, O, unknown>, check: (a: A) => readonly Issue[], name: string = codec.name): t.Type<A, O, unknown> =>
  new t.Type<A, O, unknown>(
    name,
    (u): u is A => codec.is(u) && check(u).length === 0,
    (u, c) => {
      const decoded = codec.validate(u, c);
      if (decoded._tag === 'Left') return decoded;
      const issues = check(decoded.right);
      if (issues.length === 0) return decoded;
      return t.failures(
        issues.map((i) => ({
          value: u,
          message: i.message,
          context: [...c, ...i.path.map((key) => ({ key: String(key), type: t.unknown, actual: undefined }))],
        })),
      );
    },
    codec.encode,
  );

/**
 * Issues as readable lines, `path message`, the way `formatDecodeErrors` renders semantic errors.
 * @example formatIssues([issue(['normal', 3], 'has 7 columns, expected 8')]) === 'normal[3] has 7 columns, expected 8'
 */
export const formatIssues = (issues: readonly Issue[]): string =>
  issues
    .map((i) => {
      const path = i.path.reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : p === '' ? k : `${p}.${k}`), '');
      return path === '' ? i.message : `${path} ${i.message}`;
    })
    .join('\n');
