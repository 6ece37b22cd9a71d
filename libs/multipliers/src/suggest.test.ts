import { expect } from 'vitest';
import { test } from '@fast-check/vitest';
import { closeNames, editDistance } from './suggest';

test('edit distance counts single edits', () => {
  expect(editDistance('kitten', 'sitting')).toBe(3);
  expect(editDistance('', 'abc')).toBe(3);
  expect(editDistance('NRG', 'NGR')).toBe(1);
});

test('close names find typos and bare codes', () => {
  const known = ['mul8u_NGR', 'mul8u_DM1', 'mul8u_1JFF', 'mul8u_2AC'];
  expect(closeNames('mul8u_NRG', known)[0]).toBe('mul8u_NGR');
  expect(closeNames('DM2', known)[0]).toBe('mul8u_DM1');
  expect(closeNames('completely_else', known)).toEqual([]);
  expect(closeNames('NRG', [...known, 'mul8u_RCG'])).toEqual(['mul8u_NGR']);
});
