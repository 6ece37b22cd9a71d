import { describe, expect, it } from 'vitest';
import { multiplierMetrics } from './metrics';
import { exactTable, tableFromFunction } from './table';

describe('error metrics', () => {
  it('the exact table has no error', () => {
    const m = multiplierMetrics(exactTable());
    expect([m.ep_pct, m.mae_abs, m.wce_abs, m.mre_pct, m.mse, m.bias]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(m.max_output).toBe(65025);
  });
  it('a truncated multiplier has the errors worked out by hand', () => {
    // Dropping the low byte of a*b: error = -(a*b mod 256), never positive.
    const m = multiplierMetrics(tableFromFunction('trunc', (a, b) => (a * b) & ~0xff));
    expect(m.wce_abs).toBe(255);
    expect(m.bias).toBeLessThan(0);
    expect(m.bias).toBeCloseTo(-m.mae_abs, 12);
    expect(m.commutative).toBe(true);
  });

  it('follows the conventions: MAE and WCE relative to 2^16, MRE over nonzero exact products', () => {
    // Off by one everywhere: +1 on every pair.
    const m = multiplierMetrics(tableFromFunction('plus1', (a, b) => a * b + 1));
    expect(m.ep_pct).toBe(100);
    expect(m.mae_pct).toBeCloseTo(100 / 65536, 15);
    expect(m.wce_pct).toBeCloseTo(100 / 65536, 15);
    let rel = 0;
    for (let a = 1; a < 256; a++) for (let b = 1; b < 256; b++) rel += 1 / (a * b);
    expect(m.mre_pct).toBeCloseTo((100 * rel) / 65025, 12);
    expect(m.wcre_pct).toBe(100);
    expect(m.bias).toBe(1);
  });
});
