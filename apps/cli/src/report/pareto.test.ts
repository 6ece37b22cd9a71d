import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { paretoFront, paretoSvg, paretoTable, type ParetoRow } from './pareto';

const rows = fc.array(
  fc.record({ run: fc.string(), energyWeight: fc.double({ min: 0, max: 100, noNaN: true }), validAccuracy: fc.double({ min: 0, max: 1, noNaN: true }), energyUj: fc.double({ min: 0.1, max: 1000, noNaN: true }) }),
  { minLength: 1, maxLength: 12 },
);

describe('the Pareto helper', () => {
  test.prop([rows])('no row dominates a front member, and every other row is dominated by one', (rs: ParetoRow[]) => {
    const front = paretoFront(rs);
    const dominates = (o: ParetoRow, r: ParetoRow): boolean => o.validAccuracy >= r.validAccuracy && o.energyUj <= r.energyUj && (o.validAccuracy > r.validAccuracy || o.energyUj < r.energyUj);
    expect(front.length).toBeGreaterThan(0);
    for (const f of front) expect(rs.some((o) => dominates(o, f))).toBe(false);
    for (const r of rs) if (!front.includes(r)) expect(rs.some((o) => dominates(o, r))).toBe(true);
    expect(paretoTable(rs).split('\n')).toHaveLength(rs.length + 2);
  });

  it('plots the runs and the front, each point labelled with its energy weight', async () => {
    const rs: ParetoRow[] = [
      { run: 'w0', energyWeight: 0, validAccuracy: 0.5, energyUj: 102.6 },
      { run: 'w1', energyWeight: 1, validAccuracy: 0.45, energyUj: 99.1 },
      { run: 'w10', energyWeight: 10, validAccuracy: 0.3, energyUj: 96.2 },
      { run: 'bad', energyWeight: 3, validAccuracy: 0.2, energyUj: 101 },
    ];
    expect(paretoFront(rs).map((r) => r.run)).toEqual(['w10', 'w1', 'w0']);
    const svg = await paretoSvg(rs, 16, 8);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const label of ['Pareto front', 'dominated', 'w = 0', 'w = 1', 'w = 10', 'w = 3']) expect(svg).toContain(`>${label}</text>`);
  });
});
