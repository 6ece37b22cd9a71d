/** One line of a plot: (x, y) points in order. */
export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

export interface PlotOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly width?: number;
  readonly height?: number;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** About five round tick values covering [lo, hi]. */
export const niceTicks = (lo: number, hi: number, count = 5): readonly number[] => {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  // Multiples of the step, rounded to the step's own decimals: rounding to significant digits instead merged
  // neighbouring ticks far from zero (lo = 999999.9999999999, span = 0.001).
  const decimals = Math.min(20, Math.max(0, -Math.floor(Math.log10(step)) + 1));
  const first = Math.ceil(lo / step);
  const ticks: number[] = [];
  for (let k = first; k * step <= hi + step * 1e-9; k++) ticks.push(Number((k * step).toFixed(decimals)));
  return ticks;
};

const label = (v: number): string => (Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.01) ? v.toExponential(1) : String(Number(v.toPrecision(4))));

/**
 * A self-contained SVG line plot (axes, ticks, one polyline and legend entry per series). Light and diff-able,
 * so a run directory's plots need no image library; a single point is drawn as a dot.
 */
export const linePlot = (series: readonly Series[], o: PlotOptions): string => {
  const width = o.width ?? 640;
  const height = o.height ?? 360;
  const m = { left: 64, right: 16, top: 36, bottom: 48 };
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => y);
  let [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  let [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  if (y1 === y0) [y0, y1] = [y0 - Math.abs(y0 || 1) * 0.1, y1 + Math.abs(y1 || 1) * 0.1];
  const px = (x: number): number => m.left + ((x - x0) / (x1 - x0)) * (width - m.left - m.right);
  const py = (y: number): number => height - m.bottom - ((y - y0) / (y1 - y0)) * (height - m.top - m.bottom);
  const f = (v: number): string => v.toFixed(1);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(o.title)}</text>`,
  ];
  for (const t of niceTicks(y0, y1)) {
    parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${f(py(t))}" y2="${f(py(t))}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${m.left - 6}" y="${f(py(t) + 4)}" text-anchor="end">${label(t)}</text>`);
  }
  for (const t of niceTicks(x0, x1)) {
    parts.push(`<line x1="${f(px(t))}" x2="${f(px(t))}" y1="${height - m.bottom}" y2="${height - m.bottom + 4}" stroke="black"/>`);
    parts.push(`<text x="${f(px(t))}" y="${height - m.bottom + 16}" text-anchor="middle">${label(t)}</text>`);
  }
  parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${height - m.bottom}" y2="${height - m.bottom}" stroke="black"/>`);
  parts.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${height - m.bottom}" stroke="black"/>`);
  parts.push(`<text x="${width / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`);
  parts.push(`<text x="14" y="${height / 2}" text-anchor="middle" transform="rotate(-90 14 ${height / 2})">${escapeXml(o.yLabel)}</text>`);
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (pts.length === 1) parts.push(`<circle cx="${f(px(pts[0]![0]))}" cy="${f(py(pts[0]![1]))}" r="3" fill="${colour}"/>`);
    else if (pts.length > 1) parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.map(([x, y]) => `${f(px(x))},${f(py(y))}`).join(' ')}"/>`);
    const ly = m.top + 4 + i * 16;
    parts.push(`<line x1="${width - m.right - 120}" x2="${width - m.right - 100}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`);
    parts.push(`<text x="${width - m.right - 94}" y="${ly + 4}">${escapeXml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
};
