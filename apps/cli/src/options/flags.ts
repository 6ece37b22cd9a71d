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

/** Decodes commander's option object with a codec; every failing flag is named with the value it got. */
export const decodeFlags = <A>(codec: t.Decoder<unknown, A>, opts: Record<string, unknown>): A =>
  pipe(
    codec.decode(opts),
    E.getOrElseW((errs) => {
      const bad = errs.map((e) => {
        const key = e.context.find((c) => c.key !== '' && Number.isNaN(Number(c.key)))?.key ?? '?';
        const flag = key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`);
        return `--${flag}: '${String(e.value)}' is not ${e.message ?? 'valid'}`;
      });
      throw new CliError([...new Set(bad)].join('; '));
    }),
  );

