import type { Alphas } from '@approx-darts/genotype';
import { CELL_TYPES, edgesOf, type OpSet, type SearchSpace } from '@approx-darts/search-space';

// Distinguishable colours for up to 10 ops (Tableau 10 as hex facts).
const COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const PANEL_W = 150;
const PANEL_H = 100;
const MARGIN = 24;
const COLUMNS = 7;

const esc = (s: string): string => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);
const fmt = (v: number): string => v.toFixed(1);

// Past the ten colours, ops repeat a colour with a dashed line.
const strokeOf = (o: number): string => `stroke="${COLORS[o % COLORS.length] ?? '#000'}"${o >= COLORS.length ? ' stroke-dasharray="4 2"' : ''}`;

/** One panel: the softmax weight of every op on one edge over epochs, y in [0, 1]. */
const panel = (x0: number, y0: number, title: string, series: readonly (readonly number[])[], opCount: number): string => {
  const epochs = series.length;
  const px = (e: number): number => x0 + (epochs <= 1 ? PANEL_W / 2 : (e / (epochs - 1)) * PANEL_W);
  const py = (v: number): number => y0 + PANEL_H - Math.min(Math.max(v, 0), 1) * PANEL_H;
  const lines = Array.from({ length: opCount }, (_, o) => {
    const points = series.map((row, e) => `${fmt(px(e))},${fmt(py(row[o] ?? 0))}`).join(' ');
    return epochs === 1
      ? `<circle cx="${fmt(px(0))}" cy="${fmt(py(series[0]?.[o] ?? 0))}" r="2" fill="${COLORS[o % COLORS.length] ?? '#000'}"/>`
      : `<polyline fill="none" ${strokeOf(o)} stroke-width="1.5" points="${points}"/>`;
  });
  return [
    `<rect x="${x0}" y="${y0}" width="${PANEL_W}" height="${PANEL_H}" fill="none" stroke="#ccc"/>`,
    `<text x="${x0 + 2}" y="${y0 - 4}" font-size="10">${esc(title)}</text>`,
    ...lines,
  ].join('\n');
};

const LEGEND_ROW = 18;
const LEGEND_COLUMNS = 4;

/** The legend of one cell type's op set (normal and reduce may have different ones), its top at y. */
const legend = (ops: OpSet, y: number): readonly string[] =>
  ops.map((op, o) => {
    const x = MARGIN + (o % LEGEND_COLUMNS) * 240;
    const row = y + Math.floor(o / LEGEND_COLUMNS) * LEGEND_ROW + 9;
    return `<line x1="${x}" y1="${row - 7}" x2="${x + 12}" y2="${row - 7}" ${strokeOf(o)} stroke-width="4"/><text x="${x + 18}" y="${row - 4}" font-size="11">${esc(op.name)}</text>`;
  });

/**
 * An SVG of the alpha evolution: for each cell type a grid of panels, one per edge, each plotting the softmax
 * weight of every op over the epochs (`history[e]` holds the softmax alphas after epoch e), with the legend of
 * that cell type's op set under its grid.
 * @example alphaEvolutionSvg(DARTS_SPACE, [zeroAlphas(DARTS_SPACE)]).startsWith('<svg') === true
 */
export const alphaEvolutionSvg = (space: SearchSpace, history: readonly Alphas[]): string => {
  const edges = edgesOf(space.topology);
  const rowsPerCell = Math.ceil(edges.length / COLUMNS);
  const gridHeight = rowsPerCell * (PANEL_H + MARGIN * 1.5);
  let top = MARGIN * 2;
  const cells = CELL_TYPES.map((cell) => {
    const ops = space[cell];
    const cellTop = top + MARGIN;
    const heading = `<text x="${MARGIN}" y="${cellTop - MARGIN * 0.8}" font-size="14" font-weight="bold">${cell} cell (softmax of alpha per edge, over epochs)</text>`;
    const panels = edges.map((e, i) => {
      const x0 = MARGIN + (i % COLUMNS) * (PANEL_W + MARGIN);
      const y0 = cellTop + Math.floor(i / COLUMNS) * (PANEL_H + MARGIN * 1.5);
      const series = history.map((a) => a[cell][e.index] ?? []);
      return panel(x0, y0, `edge ${e.from} -> ${e.to}`, series, ops.length);
    });
    const legendTop = cellTop + gridHeight;
    top = legendTop + Math.ceil(ops.length / LEGEND_COLUMNS) * LEGEND_ROW + MARGIN;
    return [heading, ...panels, ...legend(ops, legendTop)];
  });
  const width = MARGIN + COLUMNS * (PANEL_W + MARGIN);
  const height = top;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${MARGIN}" y="${MARGIN}" font-size="12">${history.length} epoch(s)</text>`,
    ...cells.flat(),
    '</svg>',
    '',
  ].join('\n');
};
