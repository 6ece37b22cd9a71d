import * as t from 'io-ts';

// io-ts object codecs accept keys they do not name and drop them; in a hand-written file such a key is a typo
// (`flag` for `flags`) whose value would be lost without a word. This walks a codec and a value it accepted and
// names the first key that no codec on the way knows.

type Walkable = t.Mixed & {
  readonly _tag?: string;
  readonly type?: Walkable;
  readonly types?: readonly Walkable[];
  readonly props?: Readonly<Record<string, Walkable>>;
  readonly codomain?: Walkable;
};

// Codecs that check through one inner codec.
const WRAPPERS = new Set(['ReadonlyType', 'RefinementType', 'ExactType', 'RecursiveType']);
const unwrap = (c: Walkable): Walkable => (c._tag !== undefined && WRAPPERS.has(c._tag) && c.type !== undefined ? unwrap(c.type) : c);

const isObject = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** The props an object codec names, through intersections; undefined when it is not an object of props (a custom codec). */
const propsOf = (c: Walkable): Readonly<Record<string, Walkable>> | undefined => {
  const u = unwrap(c);
  if (u._tag === 'InterfaceType' || u._tag === 'PartialType') return u.props;
  if (u._tag !== 'IntersectionType') return undefined;
  const parts = (u.types ?? []).map(propsOf);
  return parts.every((p) => p !== undefined) ? (Object.assign({}, ...parts) as Record<string, Walkable>) : undefined;
};

const join = (path: string, key: string | number): string => (typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`);

/** Where an unknown key is, and the keys its object allows. */
export interface UnknownKey {
  readonly path: string;
  readonly allowed: readonly string[];
}

const walk = (codec: Walkable, value: unknown, path: string): UnknownKey | undefined => {
  const c = unwrap(codec);
  const each = (entries: readonly (readonly [string | number, unknown, Walkable])[]): UnknownKey | undefined => {
    for (const [k, v, inner] of entries) {
      const found = walk(inner, v, join(path, k));
      if (found !== undefined) return found;
    }
    return undefined;
  };
  if (c._tag === 'UnionType') {
    // The member that accepts the value is the one whose keys count (a tagged union's `kind` picks it).
    const member = (c.types ?? []).find((m) => m.decode(value)._tag === 'Right');
    return member === undefined ? undefined : walk(member, value, path);
  }
  if ((c._tag === 'ArrayType' || c._tag === 'ReadonlyArrayType') && Array.isArray(value)) return each(value.map((v, i) => [i, v, c.type!] as const));
  if (c._tag === 'DictionaryType' && isObject(value)) return each(Object.entries(value).map(([k, v]) => [k, v, c.codomain!] as const));
  const props = propsOf(c);
  if (props === undefined || !isObject(value)) return undefined;
  const stray = Object.keys(value).find((k) => !Object.prototype.hasOwnProperty.call(props, k));
  if (stray !== undefined) return { path: join(path, stray), allowed: Object.keys(props) };
  return each(Object.entries(value).map(([k, v]) => [k, v, props[k]!] as const));
};

/**
 * The first key of `value` that `codec` does not name (`stages[0].flag`), with the keys allowed beside it; undefined
 * when every key is known. Run it on a value the codec accepted; a record (`t.record`) allows any key.
 * @example unknownKey(t.type({ a: t.number }), { a: 1, b: 2 }) // { path: 'b', allowed: ['a'] }
 */
export const unknownKey = (codec: t.Mixed, value: unknown): UnknownKey | undefined => walk(codec as Walkable, value, '');

/**
 * An unknown key as one line: `stages[0].flag: unknown key (allowed here: name, kind, axes, flags, resources)`.
 * @example unknownKeyProblem(t.type({ a: t.number }), { a: 1, b: 2 }) === 'b: unknown key (allowed here: a)'
 */
export const unknownKeyProblem = (codec: t.Mixed, value: unknown): string | undefined => {
  const found = unknownKey(codec, value);
  return found === undefined ? undefined : `${found.path}: unknown key (allowed here: ${found.allowed.join(', ')})`;
};
