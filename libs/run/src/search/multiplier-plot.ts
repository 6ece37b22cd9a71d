import { approximableColumns } from '@approx-darts/genotype';
import { CELL_TYPES, type SearchSpace } from '@approx-darts/search-space';
import type { MultiplierRecord } from './search-records';

// Tableau 10 as hex facts, as alpha-plot.ts uses.
const COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const W = 180;
const H = 100;
const M = 28;

const esc = (s: string): string => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);
const fmt = (v: number): string => v.toFixed(1);
const color = (i: number): string => COLORS[i % COLORS.length] ?? '#000';

/** A panel of lines over epochs, y scaled to [0, top]. */
const panel = (x0: number, y0: number, title: string, lines: readonly (readonly number[])[], top: number): string => {
  const px = (e: number, n: number): number => x0 + (n <= 1 ? W / 2 : (e / (n - 1)) * W);
  const py = (v: number): number => y0 + H - (Math.min(Math.max(v, 0), top) / top) * H;
  return [
    `<rect x="${x0}" y="${y0}" width="${W}" height="${H}" fill="none" stroke="#ccc"/>`,
    `<text x="${x0 + 2}" y="${y0 - 4}" font-size="10">${esc(title)}</text>`,
    ...lines.map((series, i) =>
      series.length === 1
        ? `<circle cx="${fmt(px(0, 1))}" cy="${fmt(py(series[0] ?? 0))}" r="2" fill="${color(i)}"/>`
        : `<polyline fill="none" stroke="${color(i)}" stroke-width="1.5" points="${series.map((v, e) => `${fmt(px(e, series.length))},${fmt(py(v))}`).join(' ')}"/>`,
    ),
  ].join('\n');
};

const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/**
 * The SVG beside alphas.svg of an energy-aware search: per cell type and approximable op, the softmax(beta) of each
 * multiplier over epochs (averaged over the edges), and the expected energy relative to E_ref.
 * @example multiplierChoiceSvg(DARTS_SPACE, history).startsWith('<svg') === true
 */
export const multiplierChoiceSvg = (space: SearchSpace, history: readonly MultiplierRecord[]): string => {
  const names = history[0]?.alphas.multipliers ?? [];
  const ratios = history.map((r) => r.energyRatio);
  const top = Math.max(1, ...ratios) * 1.1;
  const parts: string[] = [panel(M, M * 2, `E / E_ref (${fmt(ratios.at(-1) ?? 0)} at the end; axis 0..${top.toFixed(2)})`, [ratios], top)];
  let y = M * 3 + H;
  for (const cell of CELL_TYPES) {
    const columns = approximableColumns(space[cell]);
    parts.push(`<text x="${M}" y="${y}" font-size="13" font-weight="bold">${cell} cell: softmax of beta per approximable op (mean over edges)</text>`);
    y += M;
    columns.forEach((column, k) => {
      const lines = names.map((_, m) => history.map((r) => mean(r.alphas[cell].map((edge) => edge[k]?.[m] ?? 0))));
      parts.push(panel(M + k * (W + M), y, space[cell][column]?.name ?? `op ${column}`, lines, 1));
    });
    y += H + M * 1.5;
  }
  parts.push(...names.map((n, m) => `<line x1="${M + m * 160}" y1="${y}" x2="${M + m * 160 + 12}" y2="${y}" stroke="${color(m)}" stroke-width="4"/><text x="${M + m * 160 + 18}" y="${y + 4}" font-size="11">${esc(n)}</text>`));
  const width = M + Math.max(4, ...CELL_TYPES.map((c) => approximableColumns(space[c]).length)) * (W + M);
  const height = y + M;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${M}" y="${M}" font-size="12">${history.length} epoch(s)</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
};
