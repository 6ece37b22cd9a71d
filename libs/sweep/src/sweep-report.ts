/** One finished search: what it cost. */
export interface SearchOutcome {
  readonly searchedWith: string;
  readonly seconds: number;
  /** GPUs the stage asked for (0 on CPUs): search cost is GPU-hours where there are GPUs, else hours. */
  readonly gpus: number;
}

/** One trained network measured under one multiplier. */
export interface NetworkOutcome {
  readonly searchedWith: string;
  readonly trainedWith: string;
  readonly evaluatedUnder: string;
  readonly accuracy: number;
  readonly params: number;
  readonly energyUj: number;
  readonly savingVsFp32Pct: number;
  readonly savingVsExact8Pct: number;
}

/** Mean and sample standard deviation (n - 1; 0 for one value) of a group. */
export interface Spread {
  readonly mean: number;
  readonly std: number;
  readonly n: number;
}

/** One row of Tables II/III: a searched cell, trained and evaluated on a multiplier. */
export interface ReportRow {
  readonly searchedWith: string;
  readonly trainedWith: string;
  readonly evaluatedUnder: string;
  /** Hours per search (GPU-hours when the search stage asked for GPUs). */
  readonly searchHours: Spread | null;
  readonly searchCostUnit: 'GPU-h' | 'h';
  readonly params: number;
  /** Test accuracy in percent over the trained networks (seeds) of the row. */
  readonly accuracyPct: Spread;
  readonly energyUj: number;
  readonly savingVsFp32Pct: number;
  readonly savingVsExact8Pct: number;
}

export const spread = (values: readonly number[]): Spread => {
  const n = values.length;
  const mean = n === 0 ? NaN : values.reduce((a, b) => a + b, 0) / n;
  const std = n < 2 ? 0 : Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  return { mean, std, n };
};

/** The order of the paper's tables: FP32 first, then the tables in the order the sweep names them. */
const rowKey = (r: { searchedWith: string; trainedWith: string; evaluatedUnder: string }): string => `${r.searchedWith}\u0000${r.trainedWith}\u0000${r.evaluatedUnder}`;

/**
 * Groups the measurements into the paper's rows: per (searched with, trained with, evaluated under), accuracy as
 * mean +- std over the networks, with the search cost of that multiplier's searches beside it.
 */
export const aggregateReport = (searches: readonly SearchOutcome[], networks: readonly NetworkOutcome[]): readonly ReportRow[] => {
  const groups = new Map<string, NetworkOutcome[]>();
  for (const n of networks) groups.set(rowKey(n), [...(groups.get(rowKey(n)) ?? []), n]);
  return [...groups.values()].map((g): ReportRow => {
    const first = g[0]!;
    const mine = searches.filter((s) => s.searchedWith === first.searchedWith);
    const gpus = mine.some((s) => s.gpus > 0);
    return {
      searchedWith: first.searchedWith,
      trainedWith: first.trainedWith,
      evaluatedUnder: first.evaluatedUnder,
      searchHours: mine.length === 0 ? null : spread(mine.map((s) => (s.seconds * Math.max(1, s.gpus)) / 3600)),
      searchCostUnit: gpus ? 'GPU-h' : 'h',
      params: first.params,
      accuracyPct: spread(g.map((n) => 100 * n.accuracy)),
      energyUj: first.energyUj,
      savingVsFp32Pct: first.savingVsFp32Pct,
      savingVsExact8Pct: first.savingVsExact8Pct,
    };
  });
};

/** Fixed decimals, except for small non-zero values, which keep two significant digits (a tiny sweep's hours). */
const num = (x: number, digits: number): string => (x !== 0 && Math.abs(x) < 10 ** -digits ? x.toPrecision(2) : x.toFixed(digits));
const pm = (s: Spread, digits: number): string => (Number.isNaN(s.mean) ? '-' : `${num(s.mean, digits)} ± ${num(s.std, digits)}`);

const COLUMNS = ['searched with', 'trained with', 'evaluated under', 'search cost', 'params M', 'accuracy %', 'n', 'energy uJ', 'saving vs fp32 %', 'saving vs 8-bit exact %'];

const cells = (r: ReportRow): readonly string[] => [
  r.searchedWith,
  r.trainedWith,
  r.evaluatedUnder,
  r.searchHours === null ? '-' : `${pm(r.searchHours, 2)} ${r.searchCostUnit}`,
  num(r.params / 1e6, 2),
  pm(r.accuracyPct, 2),
  String(r.accuracyPct.n),
  r.energyUj.toFixed(2),
  r.savingVsFp32Pct.toFixed(2),
  r.savingVsExact8Pct.toFixed(2),
];

/**
 * Markdown in the layout of the paper: Table II (each multiplier's own search, training and evaluation: cost,
 * parameters, accuracy) and Table III (every row, with the arithmetic energy and its savings).
 */
export const reportMarkdown = (name: string, rows: readonly ReportRow[], plotFile: string | undefined): string => {
  const own = rows.filter((r) => r.searchedWith === r.trainedWith && r.trainedWith === r.evaluatedUnder);
  const table = (header: readonly string[], body: readonly (readonly string[])[]): readonly string[] => [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...body.map((b) => `| ${b.join(' | ')} |`),
  ];
  const c = (r: ReportRow) => cells(r);
  return [
    `# Sweep ${name}`,
    '',
    '## Table II: search and accuracy per multiplier',
    '',
    ...table(['multiplier', 'search cost', 'params M', 'accuracy %', 'n'], own.map((r) => [r.searchedWith, c(r)[3]!, c(r)[4]!, c(r)[5]!, c(r)[6]!])),
    '',
    '## Table III: accuracy and arithmetic energy of one inference',
    '',
    ...table(COLUMNS, rows.map(c)),
    '',
    ...(plotFile !== undefined ? [`![accuracy against energy](${plotFile})`, ''] : []),
  ].join('\n');
};

const csvCell = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** One line per row, plain numbers (no ±): mean and std in their own columns. */
export const reportCsv = (rows: readonly ReportRow[]): string =>
  [
    'searched_with,trained_with,evaluated_under,search_hours_mean,search_hours_std,search_cost_unit,params,accuracy_pct_mean,accuracy_pct_std,n,energy_uj,saving_vs_fp32_pct,saving_vs_exact8_pct',
    ...rows.map((r) =>
      [
        r.searchedWith, r.trainedWith, r.evaluatedUnder,
        r.searchHours?.mean ?? '', r.searchHours?.std ?? '', r.searchCostUnit,
        r.params, r.accuracyPct.mean, r.accuracyPct.std, r.accuracyPct.n,
        r.energyUj, r.savingVsFp32Pct, r.savingVsExact8Pct,
      ].map((v) => csvCell(String(v))).join(','),
    ),
    '',
  ].join('\n');
