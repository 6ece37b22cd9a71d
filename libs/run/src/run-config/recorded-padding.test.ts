import { describe, expect, it } from 'vitest';
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { RecordedPadding } from './recorded-padding';
import { reconcileResume } from './reconcile-config';

const Config = t.intersection([t.type({ seed: t.number }), t.partial({ padding: RecordedPadding })]);
const encoded = (u: unknown): Record<string, unknown> => {
  const d = Config.decode(u);
  if (E.isLeft(d)) throw new Error('does not decode');
  return Config.encode(d.right) as Record<string, unknown>;
};
const rules = { run: 'training', mutable: [], explicit: [], flags: [['padding', '--padding']] } as const;

describe('RecordedPadding (a run config field)', () => {
  it("reads a config recorded before padding was a choice as 'same', and refuses anything but same/symmetric", () => {
    expect(encoded({ seed: 1 })).toEqual({ seed: 1, padding: 'same' });
    expect(E.isLeft(Config.decode({ seed: 1, padding: 'valid' }))).toBe(true);
  });

  it('lets an old run resume with the default, and refuses a resume that changes the padding, naming the flag', () => {
    expect(reconcileResume('dir', encoded({ seed: 1 }), encoded({ seed: 1, padding: 'same' }), rules, 2).config).toEqual({ seed: 1, padding: 'same' });
    expect(() => reconcileResume('dir', encoded({ seed: 1 }), encoded({ seed: 1, padding: 'symmetric' }), rules, 2)).toThrow(
      /padding \(--padding\) is "same" in the run, "symmetric" now/,
    );
  });
});
