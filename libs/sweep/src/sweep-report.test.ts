import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { aggregateReport, reportCsv, reportLatex, reportMarkdown, spread, type NetworkOutcome } from './sweep-report';

const net = (searchedWith: string, trainedWith: string, evaluatedUnder: string, accuracy: number): NetworkOutcome => ({
  searchedWith, trainedWith, evaluatedUnder, accuracy, params: 4_250_000, energyUj: 267.03, savingVsFp32Pct: 53.84, savingVsExact8Pct: 5.97,
});

describe('report aggregation', () => {
  test.prop([fc.array(fc.integer({ min: -100_000, max: 100_000 }).map((x) => x / 100), { minLength: 2, maxLength: 20 })])('spread: mean within the range, std 0 exactly when all equal', (xs) => {
    const s = spread(xs);
    expect(s.mean).toBeGreaterThanOrEqual(Math.min(...xs) - 1e-9);
    expect(s.mean).toBeLessThanOrEqual(Math.max(...xs) + 1e-9);
    expect(s.std === 0).toBe(xs.every((x) => x === xs[0]));
  });

  it('groups the seeds of a row into mean ± sample std, beside that multiplier\'s search cost', () => {
    const rows = aggregateReport(
      [
        { searchedWith: 'fp32', seconds: 7200, gpus: 1 },
        { searchedWith: 'fp32', seconds: 10800, gpus: 1 },
        { searchedWith: 'mul8u_NGR', seconds: 3600, gpus: 0 },
      ],
      [net('fp32', 'fp32', 'fp32', 0.96), net('fp32', 'fp32', 'fp32', 0.95), net('fp32', 'fp32', 'fp32', 0.97), net('mul8u_NGR', 'mul8u_NGR', 'mul8u_NGR', 0.9)],
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]!.accuracyPct.mean).toBeCloseTo(96, 10);
    expect(rows[0]!.accuracyPct.std).toBeCloseTo(1, 10);
    expect(rows[0]!.searchHours).toEqual({ mean: 2.5, std: Math.SQRT1_2, n: 2 });
    expect(rows[0]!.searchCostUnit).toBe('GPU-h');
    expect(rows[1]!.searchCostUnit).toBe('h');
  });

  it('puts own-multiplier rows in Table II and every row in Table III; csv has plain numbers', () => {
    const rows = aggregateReport([], [net('fp32', 'fp32', 'fp32', 0.96), net('fp32', 'mul8u_NGR', 'mul8u_NGR', 0.95)]);
    const md = reportMarkdown('paper', rows, 'accuracy-energy.svg');
    const [table2, table3] = md.split('## Table III');
    expect(table2!.match(/^\| fp32 \|/gm)).toHaveLength(1);
    expect(table2).not.toContain('mul8u_NGR');
    expect(table3).toContain('| fp32 | mul8u_NGR | mul8u_NGR | - | 4.25 | 95.00 ± — | 1 | 267.03 | 53.84 | 5.97 |');
    expect(md).toContain('![accuracy against energy](accuracy-energy.svg)');
    const csv = reportCsv(rows).trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[2]).toBe('fp32,mul8u_NGR,mul8u_NGR,,,h,4250000,95,0,1,267.03,53.84,5.97');
  });

  it('writes the tables as booktabs LaTeX: names escaped, --- for one seed and for a baseline against itself', () => {
    const rows = aggregateReport([], [net('fp32', 'fp32', 'fp32', 0.96), net('fp32', 'fp32', 'fp32', 0.94), net('mul8u_1JFF', 'mul8u_1JFF', 'mul8u_1JFF', 0.95), net('fp32', 'mul8u_NGR', 'mul8u_NGR', 0.95)]);
    const tex = reportLatex('paper', rows);
    expect(tex.match(/\\toprule/g)).toHaveLength(2);
    expect(tex.match(/\\midrule/g)).toHaveLength(2);
    expect(tex.match(/\\bottomrule/g)).toHaveLength(2);
    expect(tex).not.toMatch(/[^\\]_/); // every underscore escaped
    expect(tex).toContain('    fp32 & fp32 & fp32 & 95.00 $\\pm$ 1.41 & 267.03 & --- & --- \\\\');
    expect(tex).toContain('    mul8u\\_1JFF & mul8u\\_1JFF & mul8u\\_1JFF & 95.00 $\\pm$ --- & 267.03 & 53.84 & --- \\\\');
    expect(tex).toContain('    fp32 & mul8u\\_NGR & mul8u\\_NGR & 95.00 $\\pm$ --- & 267.03 & 53.84 & 5.97 \\\\');
    // Table II holds the own-multiplier rows only; every row of both tables has as many cells as its column spec.
    const [table2, table3] = tex.split('\\end{table}');
    expect(table2).not.toContain('NGR');
    for (const [t, columns] of [[table2!, 5], [table3!, 7]] as const)
      for (const line of t.split('\n').filter((l) => l.endsWith('\\\\'))) expect(line.split(' & ')).toHaveLength(columns);
  });
});
