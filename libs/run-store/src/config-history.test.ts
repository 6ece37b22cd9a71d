import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { configDifferences } from './config-history';

describe('configDifferences', () => {
  it('names each differing leaf by its dotted path', () => {
    expect(configDifferences({ a: 1, plan: { lr: { kind: 'cosine', lr: 0.1 }, order: [1, 2] } }, { a: 1, plan: { lr: { kind: 'cosine', lr: 0.05 }, order: [2, 1] }, b: true })).toEqual([
      { path: 'plan.lr.lr', was: 0.1, now: 0.05 },
      { path: 'plan.order', was: [1, 2], now: [2, 1] },
      { path: 'b', was: undefined, now: true },
    ]);
  });
  test.prop([fc.jsonValue()], { seed: 17, numRuns: 50 })('finds no difference between a value and its copy', (v) => {
    expect(configDifferences(v, JSON.parse(JSON.stringify(v)))).toEqual([]);
  });
});
