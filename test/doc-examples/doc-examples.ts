import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import * as t from 'io-ts';

// Runs the `@example`s of pure libraries' doc comments. An example is `expression` (must evaluate without throwing),
// `expression === value` style (must be true), or `expression // expected` where the comment is itself an expression
// (compared deeply; `right(..)`, `left(..)`, `some(..)`, `none` are fp-ts's). An expected value that elides with
// `...` is not compared; any other that fails to evaluate fails the example, so a typo cannot turn a check into
// "does not throw". A bare `@example` line starts a block: the comment lines below it, up to the next tag or the end
// of the comment, are statements and the last line is the example.

interface Example {
  readonly where: string;
  readonly statements: string;
  readonly expr: string;
  readonly expected: string | undefined;
}

const commentText = (line: string): string => line.replace(/^\s*\*\s?/, '');

const splitExpected = (text: string): { readonly expr: string; readonly expected: string | undefined } => {
  const cut = text.indexOf(' // ');
  return { expr: cut < 0 ? text : text.slice(0, cut), expected: cut < 0 ? undefined : text.slice(cut + 4) };
};

const examplesOf = (file: string): readonly Example[] => {
  const lines = readFileSync(file, 'utf8').split('\n');
  const where = (i: number): string => `${file.replace(/.*\/libs\//, 'libs/')}:${i + 1}`;
  return lines.flatMap((line, i): Example[] => {
    const m = /@example ?(.*)$/.exec(line);
    if (!m) return [];
    const after = lines.slice(i + 1);
    if ((m[1] ?? '').trim() === '') {
      const end = after.findIndex((l) => /\*\/|^\s*\*\s*@/.test(l));
      const body = after.slice(0, end < 0 ? after.length : end).map(commentText).filter((l) => l.trim() !== '');
      return [{ where: where(i), statements: body.slice(0, -1).join('\n'), ...splitExpected(body.at(-1) ?? '') }];
    }
    // Continuation lines (` *   // ...`) carry the expected value of a long example.
    const rest = after.findIndex((l) => !/^\s*\*\s{3,}/.test(l));
    const continued = after.slice(0, rest < 0 ? 0 : rest).map((l) => l.replace(/^\s*\*\s+/, ''));
    return [{ where: where(i), statements: '', ...splitExpected([m[1] ?? '', ...continued].join(' ')) }];
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
  const run = (statements: string, expr: string): unknown => new Function(...names, `${statements}\nreturn (${expr});`)(...names.map((n) => scope[n]));
  const examples = libs.flatMap((lib) => {
    const dir = resolve(process.cwd(), 'libs', lib, 'src');
    return readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .flatMap((f) => examplesOf(join(dir, f)));
  });
  const compared = (e: Example): boolean => e.expected !== undefined && !e.expected.includes('...');

  describe(title, () => {
    it('there are examples to run', () => {
      expect(examples.length).toBeGreaterThan(counts.minExamples);
      expect(examples.filter(compared).length).toBeGreaterThan(counts.minChecked);
    });

    it.each(examples.map((e) => [e.where, e] as const))('%s', (_, example) => {
      const actual = run(example.statements, example.expr);
      if (example.expected === undefined) {
        if (/===|&&/.test(example.expr)) expect(actual).toBe(true);
        return;
      }
      if (!compared(example)) return;
      let expected: unknown;
      try {
        expected = run(example.statements, example.expected);
      } catch (e) {
        throw new Error(`the expected value \`${example.expected}\` does not evaluate (${e instanceof Error ? e.message : String(e)})`);
      }
      if (typeof expected === 'number') expect(actual).toBeCloseTo(expected, 12);
      else expect(actual).toEqual(expected);
    });
  });
};
