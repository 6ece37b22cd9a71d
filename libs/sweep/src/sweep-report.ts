import { EXACT_MULTIPLIER, isFp32 } from '@approx-darts/multipliers';
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
/** mean ± std; one measurement has no spread, so its std reads — (not ± 0.00). */
const pm = (s: Spread, digits: number, plusMinus = '±', none = '—'): string =>
  Number.isNaN(s.mean) ? '-' : `${num(s.mean, digits)} ${plusMinus} ${s.n < 2 ? none : num(s.std, digits)}`;

/**
 * The savings cells of a row: fp32 saves nothing against either baseline (it is the costlier) and exact 8-bit nothing
 * against itself, so those read — rather than 0 or a negative saving.
 */
const savings = (r: ReportRow, none = '—'): readonly [string, string] => {
  const fp32 = isFp32(r.evaluatedUnder);
  return [fp32 ? none : r.savingVsFp32Pct.toFixed(2), fp32 || r.evaluatedUnder === EXACT_MULTIPLIER ? none : r.savingVsExact8Pct.toFixed(2)];
};

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
  ...savings(r),
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

/** LaTeX text: the characters TeX treats specially escaped (multiplier names hold underscores). */
const tex = (s: string): string => s.replace(/[\\{}&%$#_^~]/g, (c) => (c === '\\' ? '\\textbackslash{}' : c === '^' ? '\\^{}' : c === '~' ? '\\~{}' : `\\${c}`));

/**
 * The paper's Tables II and III as LaTeX (booktabs: \\toprule, \\midrule, \\bottomrule; needs \\usepackage{booktabs}):
 * mean $\\pm$ std over seeds, --- where there is no spread (n = 1) or no saving (a baseline against itself).
 */
export const reportLatex = (name: string, rows: readonly ReportRow[]): string => {
  const own = rows.filter((r) => r.searchedWith === r.trainedWith && r.trainedWith === r.evaluatedUnder);
  const pmTex = (s: Spread, digits: number): string => pm(s, digits, '$\\pm$', '---');
  const cost = (r: ReportRow): string => (r.searchHours === null ? '---' : `${pmTex(r.searchHours, 2)} ${r.searchCostUnit}`);
  const table = (caption: string, label: string, columns: string, header: readonly string[], body: readonly (readonly string[])[]): readonly string[] => [
    '\\begin{table}[t]',
    '  \\centering',
    `  \\caption{${tex(caption)}}`,
    `  \\label{${label}}`,
    `  \\begin{tabular}{${columns}}`,
    '    \\toprule',
    `    ${header.join(' & ')} \\\\`,
    '    \\midrule',
    ...body.map((b) => `    ${b.join(' & ')} \\\\`),
    '    \\bottomrule',
    '  \\end{tabular}',
    '\\end{table}',
  ];
  return [
    `% Sweep ${name}: written by approx-darts sweep report --format latex`,
    ...table(`${name}: search cost and accuracy per multiplier`, 'tab:search', 'lrrrr', ['Multiplier', 'Search cost', 'Params (M)', 'Accuracy (\\%)', '$n$'], own.map((r) => [tex(r.searchedWith), cost(r), num(r.params / 1e6, 2), pmTex(r.accuracyPct, 2), String(r.accuracyPct.n)])),
    '',
    ...table(
      `${name}: accuracy and arithmetic energy of one inference`,
      'tab:energy',
      'lllrrrr',
      ['Searched', 'Trained', 'Evaluated', 'Accuracy (\\%)', 'Energy ($\\mu$J)', 'Saving vs FP32 (\\%)', 'Saving vs 8-bit (\\%)'],
      rows.map((r) => {
        const [vsFp32, vs8] = savings(r, '---');
        return [tex(r.searchedWith), tex(r.trainedWith), tex(r.evaluatedUnder), pmTex(r.accuracyPct, 2), r.energyUj.toFixed(2), vsFp32, vs8];
      }),
    ),
    '',
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
