import { PLOT_BASE, type PlotSpec } from './render';

/** One line of a plot: (x, y) points in order. */
export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly width?: number;
  readonly height?: number;
  /** A log-scaled y axis (learning rates, losses over orders of magnitude); non-positive points are dropped. */
  readonly logY?: boolean;
}

/**
 * Lines over x with points (a single point shows as a dot), y auto-scaled without forcing zero, legend outside the plot.
 * @example lineChartSpec([{ name: 'a', points: [[1, 2]] }], { title: 't', xLabel: 'x', yLabel: 'y' }).title === 't'
 */
export const lineChartSpec = (series: readonly Series[], o: LineChartOptions): PlotSpec => ({
  ...PLOT_BASE,
  title: o.title,
  width: o.width ?? 480,
  height: o.height ?? 280,
  padding: 12,
    data: {
    values: series.flatMap((s) =>
      s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (o.logY !== true || y > 0)).map(([x, y]) => ({ series: s.name, x, y })),
    ),
  },
  mark: { type: 'line', point: true, strokeWidth: 2 },
  encoding: {
    x: { field: 'x', type: 'quantitative', title: o.xLabel, scale: { zero: false, nice: true } },
    y: { field: 'y', type: 'quantitative', title: o.yLabel, scale: o.logY === true ? { type: 'log' } : { zero: false, nice: true } },
    color: { field: 'series', type: 'nominal', title: null, sort: series.map((s) => s.name), legend: { orient: 'right', labelLimit: 400 } },
  },
});
