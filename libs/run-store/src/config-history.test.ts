import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { configDifferences } from './config-history';

describe('configDifferences', () => {
  it('names each differing leaf by its dotted path', () => {
    expect(configDifferences({ a: 1, plan: { lr: { kind: 'cosine', lr: 0.1 }, order: [1, 2] } }, { a: 1, plan: { lr: { kind: 'cosine', lr: 0.05 }, order: [2, 1] }, b: true })).toEqual([
      { path: 'plan.lr.lr', was: 0.1, now: 0.05 },
      { path: 'plan.order[0]', was: 1, now: 2 },
      { path: 'plan.order[1]', was: 2, now: 1 },
      { path: 'b', was: undefined, now: true },
    ]);
  });

  it('names the element of an array that differs (an edited space file: normal[4].kernel), and compares arrays of other lengths whole', () => {
    const ops = [{ kind: 'none' }, { kind: 'sep_conv', kernel: 3 }];
    expect(configDifferences({ space: { normal: ops } }, { space: { normal: [ops[0], { kind: 'sep_conv', kernel: 7 }] } })).toEqual([
      { path: 'space.normal[1].kernel', was: 3, now: 7 },
    ]);
    expect(configDifferences({ normal: ops }, { normal: ops.slice(1) })).toEqual([{ path: 'normal', was: ops, now: ops.slice(1) }]);
  });
  test.prop([fc.jsonValue()], { seed: 17, numRuns: 50 })('finds no difference between a value and its copy', (v) => {
    expect(configDifferences(v, JSON.parse(JSON.stringify(v)))).toEqual([]);
  });
});
