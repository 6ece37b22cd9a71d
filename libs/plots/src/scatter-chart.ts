import { PLOT_BASE, type PlotSpec } from './render';

/** One measured point: a label written beside it, an optional +- error on y, and a group (colour). */
export interface LabelledPoint {
  readonly x: number;
  readonly y: number;
  readonly label: string;
  readonly group: string;
  readonly yError?: number;
}

export interface ScatterOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly width?: number;
  readonly height?: number;
  /** Draw a line through this group's points in x order (the Pareto front). */
  readonly lineGroup?: string;
}

/**
 * Points with labels and error bars; both axes padded so no point sits on the frame; legend below the plot, never cut.
 * @example scatterSpec([], { title: 't', xLabel: 'x', yLabel: 'y' }).title === 't'
 */
export const scatterSpec = (points: readonly LabelledPoint[], o: ScatterOptions): PlotSpec => {
  const values = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).map((p) => ({ ...p, lo: p.y - (p.yError ?? 0), hi: p.y + (p.yError ?? 0) }));
  const pad = (lo: number, hi: number): [number, number] => {
    const span = hi - lo || Math.abs(hi) || 1;
    return [lo - span * 0.12, hi + span * 0.12];
  };
  const xs = values.map((v) => v.x);
  const ys = values.flatMap((v) => [v.lo, v.hi]);
  const x = { field: 'x', type: 'quantitative', title: o.xLabel, scale: { domain: xs.length ? pad(Math.min(...xs), Math.max(...xs)) : [0, 1], nice: false, zero: false } } as const;
  const y = { field: 'y', type: 'quantitative', title: o.yLabel, scale: { domain: ys.length ? pad(Math.min(...ys), Math.max(...ys)) : [0, 1], nice: false, zero: false } } as const;
  const color = { field: 'group', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 1, labelLimit: 600 } } as const;
  return {
    ...PLOT_BASE,
    title: o.title,
    width: o.width ?? 520,
    height: o.height ?? 320,
    padding: 16,
        data: { values },
    layer: [
      ...(o.lineGroup === undefined ? [] : [{ transform: [{ filter: { field: 'group', equal: o.lineGroup } }], mark: { type: 'line', strokeDash: [4, 3] }, encoding: { x, y, color, order: { field: 'x' } } } as const]),
      { mark: { type: 'rule' }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } },
      { mark: { type: 'point', filled: true, size: 70 }, encoding: { x, y, color, tooltip: [{ field: 'label' }, { field: 'x' }, { field: 'y' }] } },
      { mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 10 }, encoding: { x, y, text: { field: 'label' } } },
    ],
  } as PlotSpec;
};
