import { describe, expect, it } from 'vitest';
import { exactTable, multiplierMetrics, paperMultipliers } from '@approx-darts/multipliers';
import { loadMultiplierTable, readMultiplierMetadata } from './index';

// The shared tables and their independently computed metadata are the oracle for the pure metrics.
const env = {};
const metadata = await readMultiplierMetadata({ env });
const load = (name: string) => loadMultiplierTable(name, { env });

/** Equal at the precision the value was printed with (its decimals in the JSON). */
const decimalsOf = (x: number): number => (String(x).split('.')[1] ?? '').length;
const expectPrinted = (computed: number, printed: number, what: string): void => {
  expect(Math.abs(computed - printed), `${what}: ${computed} vs printed ${printed}`).toBeLessThanOrEqual(0.5 * 10 ** -decimalsOf(printed) + 1e-9 * Math.max(1, Math.abs(printed)));
};

describe('metrics of the shared tables', () => {
  it('the generated exact table equals mul8u_1JFF', async () => {
    expect(Buffer.from((await load('mul8u_1JFF')).products.buffer).equals(Buffer.from(exactTable().products.buffer))).toBe(true);
  });

  // The paper's MAE is the library's 3-decimal MAE rounded again to 2 (NGR 0.0645 -> 0.065 -> 0.07);
  // the other columns are single-rounded (DM1 MRE 4.7346 -> 4.73).
  const once = (x: number): string => x.toFixed(2);
  const twice = (x: number): string => Number(x.toFixed(3)).toFixed(2);

  it('reproduces Table I of the paper (2 decimals, MAE/WCE relative to 2^16)', async () => {
    for (const p of paperMultipliers) {
      const m = multiplierMetrics(await load(p.name));
      expect(once(m.mre_pct), `${p.name} MRE`).toBe(p.mrePct.toFixed(2));
      expect(once(m.ep_pct), `${p.name} EP`).toBe(p.epPct.toFixed(2));
      expect(twice(m.mae_pct), `${p.name} MAE`).toBe(p.maePct.toFixed(2));
      expect(once(m.wce_pct), `${p.name} WCE`).toBe(p.wcePct.toFixed(2));
      expect(metadata.multipliers.find((e) => e.name === p.name)?.library_published?.power_mW, `${p.name} power`).toBe(p.powerMw);
    }
  });

  it('reproduces every computed metric of multipliers.json for all 40 tables', async () => {
    expect(metadata.multipliers).toHaveLength(40);
    for (const entry of metadata.multipliers) {
      const m = multiplierMetrics(await load(entry.name));
      const c = entry.computed;
      for (const key of [
        'ep_pct',
        'mae_abs',
        'mae_pct',
        'mae_pct_of_65025',
        'wce_abs',
        'wce_pct',
        'wce_pct_of_65025',
        'mre_pct',
        'mre_pct_incl_zero_products_denominator_max1',
        'wcre_pct',
        'mse',
        'max_output',
      ] as const)
        expectPrinted(m[key], c[key], `${entry.name} ${key}`);
      expect(m.commutative, `${entry.name} commutative`).toBe(c.commutative);
    }
  });
});
