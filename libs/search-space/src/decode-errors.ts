import * as t from 'io-ts';

// Unions and intersections add a context entry per member (keyed by member index, not by a field): skip those keys.
const transparentTags = new Set(['UnionType', 'IntersectionType']);

const tagOf = (type: t.Decoder<unknown, unknown>): string | undefined => (type as { readonly _tag?: string })._tag;

/**
 * The path of a decode error as a reader would write it: `normal[3].kernel`.
 * @example pathOf([{ key: '', type: t.unknown, actual: 0 }, { key: 'normal', type: t.unknown, actual: 0 }]) === 'normal'
 */
export const pathOf = (context: t.Context): string =>
  context.slice(1).reduce((path, entry, i) => {
    const parent = context[i]?.type;
    if (parent !== undefined && transparentTags.has(tagOf(parent) ?? '')) return path;
    if (/^\d+$/.test(entry.key)) return `${path}[${entry.key}]`;
    return path === '' ? entry.key : `${path}.${entry.key}`;
  }, '');

const show = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
};

/**
 * One line per failing path: `path: message` for semantic checks, `path: expected TYPE, got VALUE` otherwise.
 * @example formatDecodeErrors(t.type({ n: t.number }).decode({ n: 'x' }).left) // 'n: expected number, got "x"'
 */
export const formatDecodeErrors = (errors: t.Errors): string => {
  const lines = errors.map((e) => {
    const path = pathOf(e.context) || '(root)';
    if (e.message !== undefined) return `${path}: ${e.message}`;
    const last = e.context[e.context.length - 1];
    return `${path}: expected ${last?.type.name ?? 'a valid value'}, got ${show(e.value)}`;
  });
  return [...new Set(lines)].join('\n');
};

/** A semantic problem found after structural decoding: where (path segments) and what. */
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
