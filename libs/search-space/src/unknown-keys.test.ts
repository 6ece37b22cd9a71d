import { describe, expect, it } from 'vitest';
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { DARTS_SPACE, decodeSearchSpace } from './index';
import { unknownKey, unknownKeyProblem } from './unknown-keys';

describe('unknownKey', () => {
  const codec = t.readonly(
    t.type({
      name: t.string,
      items: t.readonlyArray(t.union([t.type({ kind: t.literal('a'), x: t.number }), t.intersection([t.type({ kind: t.literal('b') }), t.partial({ y: t.number })])])),
      tags: t.record(t.string, t.type({ on: t.boolean })),
    }),
  );
  const ok = { name: 'n', items: [{ kind: 'a', x: 1 }, { kind: 'b' }, { kind: 'b', y: 2 }], tags: { any: { on: true } } };

  it('finds nothing in a value of known keys (a record allows any key)', () => {
    expect(unknownKey(codec, ok)).toBeUndefined();
  });

  it('names the first unknown key by its path, through unions, intersections, arrays and records', () => {
    expect(unknownKey(codec, { ...ok, nmae: 'n' })).toEqual({ path: 'nmae', allowed: ['name', 'items', 'tags'] });
    expect(unknownKeyProblem(codec, { ...ok, items: [{ kind: 'a', x: 1 }, { kind: 'b', z: 2 }] })).toBe('items[1].z: unknown key (allowed here: kind, y)');
    expect(unknownKeyProblem(codec, { ...ok, tags: { any: { on: true, off: false } } })).toBe('tags.any.off: unknown key (allowed here: on)');
    // An inherited name is no known key either.
    expect(unknownKey(codec, { ...ok, constructor: 1 })?.path).toBe('constructor');
  });
});

describe('space files', () => {
  it('refuse an unknown key, top-level or in an op, naming its path', () => {
    expect(decodeSearchSpace({ ...DARTS_SPACE, macros: {} })).toEqual(E.left('macros: unknown key (allowed here: normal, reduce, topology, macro)'));
    const normal = DARTS_SPACE.normal.map((op, i) => (i === 4 ? { ...op, multipler: 'mul8u_NGR' } : op));
    expect(decodeSearchSpace({ ...DARTS_SPACE, normal })).toEqual(E.left('normal[4].multipler: unknown key (allowed here: kind, name, kernel, multiplier)'));
  });
});
