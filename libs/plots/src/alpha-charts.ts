import type { Alphas, MultiplierAlphas } from '@approx-darts/genotype';
import { approximableColumns } from '@approx-darts/genotype';
import { CELL_TYPES, edgesOf, type CellType, type SearchSpace } from '@approx-darts/search-space';
import { PLOT_BASE, type PlotSpec } from './render';

/** Edge names by state index (0, 1 = the cell's inputs, 2.. = its intermediate nodes), as the genotype text numbers them. */
const edgeNames = (space: SearchSpace): readonly string[] => edgesOf(space.topology).map((e) => `s${e.from} → s${e.to}`);

const FOUR = '.4f';

/** A facet of small line charts (one per `facet` value) and, under it, the final epoch as a heat map with values in the cells. */
const evolutionAndHeatmap = (o: {
  readonly title: string;
  readonly heatTitle: string;
  readonly rows: readonly Record<string, string | number>[];
  readonly facet: string;
  readonly facetOrder: readonly string[];
  readonly series: string;
  readonly seriesOrder: readonly string[];
  readonly y: string;
  readonly yTitle: string;
  readonly heatY: string;
  readonly heatYOrder: readonly string[];
  readonly heatValue: string;
  readonly lastEpoch: number;
}): readonly PlotSpec[] => {
  const last = o.rows.filter((r) => r.epoch === o.lastEpoch);
  const values = last.map((r) => Number(r[o.heatValue]));
  // Cells darker than this get white text (the blues scheme is dark at its top 40 %).
  const contrastAt = values.length === 0 ? 1 : Math.min(...values) + 0.6 * (Math.max(...values) - Math.min(...values));
  const colour = { field: o.series, type: 'nominal', title: null, sort: o.seriesOrder, legend: { orient: 'right', labelLimit: 300 } } as const;
  return [
    {
      title: o.title,
      data: { values: o.rows },
      facet: { field: o.facet, type: 'ordinal', sort: o.facetOrder, title: null, header: { labelFontSize: 11 } },
      columns: 7,
      spec: {
        width: 130,
        height: 90,
        mark: { type: 'line', point: { size: 12 }, strokeWidth: 1.5 },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } },
          y: { field: o.y, type: 'quantitative', title: o.yTitle, scale: { zero: false, nice: true }, axis: { format: '.1e', labelFontSize: 9 } },
          color: colour,
        },
      },
    },
    {
      title: o.heatTitle,
      data: { values: last },
      width: { step: 78 },
      height: { step: 20 },
      encoding: {
        x: { field: o.series, type: 'nominal', sort: o.seriesOrder, title: null, axis: { orient: 'top', labelAngle: -30 } },
        y: { field: o.heatY, type: 'nominal', sort: o.heatYOrder, title: null },
      },
      layer: [
        { mark: { type: 'rect' }, encoding: { color: { field: o.heatValue, type: 'quantitative', title: o.heatValue, scale: { scheme: 'blues', zero: false }, legend: { format: FOUR } } } },
        { mark: { type: 'text', fontSize: 10 }, encoding: { text: { field: o.heatValue, type: 'quantitative', format: FOUR }, color: { condition: { test: `datum.${o.heatValue} > ${contrastAt}`, value: 'white' }, value: 'black' } } },
      ],
    },
  ] as PlotSpec[];
};

/**
 * The alpha evolution of a search: per cell type, one small chart per edge of softmax(alpha) minus the uniform 1/n
 * over epochs (auto-scaled: early in a search all ops sit near 1/n and the genotype is decided by differences of
 * 1e-4), then the final epoch's softmax(alpha) as an edges x ops heat map with the values written in.
 * `history[e]` holds the softmax alphas after epoch e.
 */
export const alphaEvolutionSpec = (space: SearchSpace, history: readonly Alphas[]): PlotSpec => {
  const names = edgeNames(space);
  const panels = CELL_TYPES.flatMap((cell: CellType) => {
    const ops = space[cell].map((op) => op.name);
    const rows = history.flatMap((alphas, epoch) =>
      (alphas[cell] ?? []).flatMap((edge, e) =>
        edge.map((weight, o) => ({ edge: names[e] ?? `edge ${e}`, op: ops[o] ?? `op ${o}`, epoch: epoch + 1, weight, deviation: weight - 1 / edge.length })),
      ),
    );
    return evolutionAndHeatmap({
      title: `${cell} cell: softmax(alpha) − 1/${ops.length} per edge over epochs`,
      heatTitle: `${cell} cell: softmax(alpha) after epoch ${history.length}`,
      rows,
      facet: 'edge',
      facetOrder: names,
      series: 'op',
      seriesOrder: ops,
      y: 'deviation',
      yTitle: 'Δ from uniform',
      heatY: 'edge',
      heatYOrder: names,
      heatValue: 'weight',
      lastEpoch: history.length,
    });
  });
  return { ...PLOT_BASE, padding: 16, vconcat: panels, resolve: { scale: { color: 'independent' } } } as PlotSpec;
};

/** One epoch of an energy-aware search's multiplier choice: softmax(beta) and E / E_ref. */
export interface MultiplierEpoch {
  readonly alphas: MultiplierAlphas;
  readonly energyRatio: number;
}

const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/**
 * The multiplier choice of an energy-aware search: E / E_ref over epochs; per cell type and approximable op,
 * softmax(beta) of each multiplier (mean over the edges) over epochs, then its final epoch as an ops x multipliers heat map.
 */
export const multiplierChoiceSpec = (space: SearchSpace, history: readonly MultiplierEpoch[]): PlotSpec => {
  const multipliers = history[0]?.alphas.multipliers ?? [];
  const energy: PlotSpec = {
    title: 'expected energy relative to E_ref',
    data: { values: history.map((r, e) => ({ epoch: e + 1, ratio: r.energyRatio })) },
    width: 420,
    height: 160,
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'ratio', type: 'quantitative', title: 'E / E_ref', scale: { zero: false, nice: true } },
    },
  } as PlotSpec;
  const panels = CELL_TYPES.flatMap((cell: CellType) => {
    const columns = approximableColumns(space[cell]);
    const ops = columns.map((c) => space[cell][c]?.name ?? `op ${c}`);
    const rows = history.flatMap((r, epoch) =>
      columns.flatMap((_, k) =>
        multipliers.map((multiplier, m) => ({ op: ops[k] ?? `op ${k}`, multiplier, epoch: epoch + 1, weight: mean(r.alphas[cell].map((edge) => edge[k]?.[m] ?? 0)), deviation: mean(r.alphas[cell].map((edge) => edge[k]?.[m] ?? 0)) - 1 / multipliers.length })),
      ),
    );
    return evolutionAndHeatmap({
      title: `${cell} cell: softmax(beta) − 1/${multipliers.length} per approximable op (mean over edges) over epochs`,
      heatTitle: `${cell} cell: softmax(beta) after epoch ${history.length} (mean over edges)`,
      rows,
      facet: 'op',
      facetOrder: ops,
      series: 'multiplier',
      seriesOrder: multipliers,
      y: 'deviation',
      yTitle: 'Δ from uniform',
      heatY: 'op',
      heatYOrder: ops,
      heatValue: 'weight',
      lastEpoch: history.length,
    });
  });
  return { ...PLOT_BASE, padding: 16, vconcat: [energy, ...panels], resolve: { scale: { color: 'independent' } } } as PlotSpec;
};
