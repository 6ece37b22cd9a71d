import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import * as t from 'io-ts';

// Runs the `@example` lines of pure libraries' doc comments. An example is `expression` (must evaluate
// without throwing), `expression === value` style (must be true), or `expression // expected` where the comment
// is itself an expression (compared deeply; `right(..)`, `left(..)`, `some(..)`, `none` are fp-ts's).
// Comments that are prose or elide with `...` only run the expression.

interface Example {
  readonly where: string;
  readonly expr: string;
  readonly expected: string | undefined;
}

const examplesOf = (file: string): readonly Example[] => {
  const lines = readFileSync(file, 'utf8').split('\n');
  return lines.flatMap((line, i) => {
    const m = /@example (.*)$/.exec(line);
    if (!m) return [];
    // Continuation lines (` *   // ...`) carry the expected value of a long example.
    const rest = lines.slice(i + 1).findIndex((l) => !/^\s*\*\s{3,}/.test(l));
    const continued = lines.slice(i + 1, i + 1 + (rest < 0 ? 0 : rest)).map((l) => l.replace(/^\s*\*\s+/, ''));
    const text = [m[1] ?? '', ...continued].join(' ');
    const cut = text.indexOf(' // ');
    return [{ where: `${file.replace(/.*\/libs\//, 'libs/')}:${i + 1}`, expr: cut < 0 ? text : text.slice(0, cut), expected: cut < 0 ? undefined : text.slice(cut + 4) }];
  });
};

/**
 * Declares a suite that runs every doc example of `libs` with `scope` in view, and checks there are at least
 * `minExamples` of them, `minChecked` of which state an expected value.
 */
export const describeDocExamples = (
  title: string,
  libs: readonly string[],
  libScope: Record<string, unknown>,
  counts: { readonly minExamples: number; readonly minChecked: number },
): void => {
  const scope: Record<string, unknown> = { ...libScope, E, t, right: E.right, left: E.left, some: O.some, none: O.none };
  const names = Object.keys(scope);
  const evaluate = (expr: string): unknown => new Function(...names, `return (${expr});`)(...names.map((n) => scope[n]));
  const expectedValue = (comment: string): { readonly ok: true; readonly value: unknown } | { readonly ok: false } => {
    if (comment.includes('...')) return { ok: false };
    try {
      return { ok: true, value: evaluate(comment) };
    } catch {
      return { ok: false };
    }
  };
  const examples = libs.flatMap((lib) => {
    const dir = resolve(process.cwd(), 'libs', lib, 'src');
    return readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .flatMap((f) => examplesOf(join(dir, f)));
  });

  describe(title, () => {
    it('there are examples to run', () => {
      expect(examples.length).toBeGreaterThan(counts.minExamples);
      expect(examples.filter((e) => e.expected !== undefined && expectedValue(e.expected).ok).length).toBeGreaterThan(counts.minChecked);
    });

    it.each(examples.map((e) => [e.where, e] as const))('%s', (_, example) => {
      const actual = evaluate(example.expr);
      if (example.expected === undefined) {
        if (/===|&&/.test(example.expr)) expect(actual).toBe(true);
        return;
      }
      const expected = expectedValue(example.expected);
      if (!expected.ok) return;
      if (typeof expected.value === 'number') expect(actual).toBeCloseTo(expected.value, 12);
      else expect(actual).toEqual(expected.value);
    });
  });
};
