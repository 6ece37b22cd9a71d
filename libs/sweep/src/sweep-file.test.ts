import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/Either';
import { decodeSweepFile } from './sweep-file';

const example = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../examples/sweeps/${name}`, import.meta.url), 'utf8'));
const problem = (u: unknown): string => {
  const r = decodeSweepFile(u);
  if (E.isRight(r)) throw new Error('decoded');
  return r.left;
};
const search = { name: 'search', kind: 'search', axes: { multiplier: ['fp32'], seed: [1] } };

describe('sweep file', () => {
  it('decodes both examples', () => {
    expect(E.isRight(decodeSweepFile(example('paper-grid.json')))).toBe(true);
    expect(E.isRight(decodeSweepFile(example('tiny-sweep.json')))).toBe(true);
  });

  it('names the place of each problem in one line', () => {
    expect(problem({ name: 'x', stages: [{ ...search, kind: 'grid' }] })).toBe('stages[0].kind: "grid" is not one of search, select, train, eval');
    expect(problem({ name: 'x', stages: [{ ...search, axes: { multiplier: 'fp32' } }] })).toMatch(/^stages\[0\]\.axes\.multiplier: /);
    expect(problem({ name: 'x', stages: [{ ...search, resources: { gpus: 'one' } }] })).toMatch(/^stages\[0\]\.resources\.gpus: "one"/);
    expect(problem({ name: 'x', stages: [search, { name: 'best', kind: 'select', from: 'serch', groupBy: ['multiplier'] }] })).toBe(
      "stages[1] (best).from: 'serch' is not an earlier stage",
    );
    expect(problem({ name: 'x', stages: [search, { name: 'ev', kind: 'eval', from: 'search' }] })).toBe(
      "stages[1] (ev).from: an eval stage cannot draw from the search stage 'search'",
    );
    expect(problem({ name: 'x', stages: [{ ...search, flags: { out: 'here' } }] })).toBe("stages[0] (search): 'out' is set by the sweep, not the file");
    expect(problem({ name: 'x', stages: [{ ...search, axes: { seed: [1] } }] })).toMatch(/needs a 'multiplier' axis/);
    expect(problem({ name: 'x', stages: [{ ...search, axes: { multiplier: ['fp32', 'fp32'] } }] })).toBe('stages[0] (search).axes.multiplier: a value is repeated');
    expect(problem({ name: 'x', stages: [search, { name: 'best', kind: 'select', from: 'search', groupBy: ['multiplier', 'lr'] }] })).toBe(
      "stages[1] (best).groupBy: 'lr' is not an axis of 'search'",
    );
    expect(problem({ name: 'Bad Name', stages: [search] })).toMatch(/^name: /);
    expect(problem({ name: 'x', stages: [search, search] })).toBe("stages[1] (search): a second stage named 'search'");
    expect(problem({ name: 'x', stages: [{ ...search, flags: { '--epochs': 1 } }] })).toBe("stages[0] (search): flag '--epochs' must be named without its leading '--'");
    // A flag takes a string, a number or a boolean: the message says so, not the union member tried last.
    expect(problem({ name: 'x', stages: [{ ...search, flags: { epochs: [1] } }] })).toBe('stages[0].flags.epochs: [1] is not string, number or boolean');
  });

  it('refuses unknown keys, naming their path (a misspelled key was dropped, and its stage ran the defaults)', () => {
    expect(problem({ name: 'x', stages: [{ ...search, flag: { epochs: 1 } }] })).toBe('stages[0].flag: unknown key (allowed here: name, kind, axes, flags, resources)');
    expect(problem({ name: 'x', comon: { engine: 'cpu' }, stages: [search] })).toBe('comon: unknown key (allowed here: name, stages, common)');
    expect(problem({ name: 'x', stages: [{ ...search, resources: { gpu: 1 } }] })).toMatch(/^stages\[0\]\.resources\.gpu: unknown key \(allowed here: gpus, /);
    expect(problem({ name: 'x', stages: [search, { name: 'b', kind: 'select', from: 'search', groupby: ['multiplier'], groupBy: ['multiplier'] }] })).toBe(
      'stages[1].groupby: unknown key (allowed here: name, kind, from, groupBy, resources)',
    );
  });
});
