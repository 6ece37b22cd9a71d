import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { CliError } from '../cli-error';

// Flag codecs shared by the commands: commander hands over strings, the commands want checked numbers.

const intFromString = (name: string, min: number) =>
  new t.Type<number, string, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min,
    (u, c) => (typeof u === 'string' && /^\d+$/.test(u) && Number(u) >= min ? t.success(Number(u)) : t.failure(u, c, min === 1 ? 'a positive integer' : `an integer >= ${min}`)),
    String,
  );
/** A flag holding a positive integer. */
export const PositiveIntFromString = intFromString('PositiveIntFromString', 1);
/** A flag holding an integer >= 0 (seeds). */
export const NonNegativeIntFromString = intFromString('NonNegativeIntFromString', 0);

const numberFromString = (name: string, ok: (n: number) => boolean, what: string) =>
  new t.Type<number, string, unknown>(
    name,
    (u): u is number => typeof u === 'number' && ok(u),
    (u, c) => {
      const n = typeof u === 'string' && /^[+]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(u.trim()) ? Number(u) : Number.NaN;
      return Number.isFinite(n) && ok(n) ? t.success(n) : t.failure(u, c, what);
    },
    String,
  );
/** A flag holding a number > 0 (learning rates, clip norms). */
export const PositiveNumberFromString = numberFromString('PositiveNumberFromString', (n) => n > 0, 'a number > 0');
/** A flag holding a number >= 0 (weight decay). */
export const NonNegativeNumberFromString = numberFromString('NonNegativeNumberFromString', (n) => n >= 0, 'a number >= 0');
/** A flag holding a number in [0, 1) (momentum). */
export const FractionFromString = numberFromString('FractionFromString', (n) => n >= 0 && n < 1, 'a number in [0, 1)');

/** A flag naming a directory: an empty one would mean the current directory without the user saying so. */
export const DirectoryPath = new t.Type<string, string, unknown>(
  'DirectoryPath',
  (u): u is string => typeof u === 'string' && u.trim() !== '',
  (u, c) => (typeof u === 'string' && u.trim() !== '' ? t.success(u) : t.failure(u, c, "a directory (use '.' for the current one)")),
  String,
);

/** Decodes commander's option object with a codec; every failing flag is named with the value it got. */
export const decodeFlags = <A>(codec: t.Decoder<unknown, A>, opts: Record<string, unknown>): A =>
  pipe(
    codec.decode(opts),
    E.getOrElseW((errs) => {
      const bad = errs.map((e) => {
        const key = e.context.find((c) => c.key !== '' && Number.isNaN(Number(c.key)))?.key ?? '?';
        const flag = key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`);
        // A choice (t.keyof) lists what it accepts; the user cannot guess it from 'not valid'.
        const type = e.context[e.context.length - 1]?.type;
        const what = e.message ?? (type instanceof t.KeyofType ? `one of ${Object.keys(type.keys as object).join(', ')}` : 'valid');
        return `--${flag}: '${String(e.value)}' is not ${what}`;
      });
      throw new CliError([...new Set(bad)].join('; '));
    }),
  );

