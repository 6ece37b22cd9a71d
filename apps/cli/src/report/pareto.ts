import { renderSvg, scatterSpec } from '@approx-darts/plots';

/** One energy-aware search of a sweep over energy weights: its weight, validation accuracy and derived energy. */
export interface ParetoRow {
  readonly run: string;
  readonly energyWeight: number;
  readonly validAccuracy: number;
  readonly energyUj: number;
}

/**
 * The rows no other row beats on both axes (higher accuracy and lower energy, at least as good on both), by energy.
 * @example paretoFront([{ run: 'a', energyWeight: 0, validAccuracy: 0.5, energyUj: 2 }, { run: 'b', energyWeight: 1, validAccuracy: 0.4, energyUj: 3 }]).map((r) => r.run) // ['a']
 */
export const paretoFront = (rows: readonly ParetoRow[]): readonly ParetoRow[] =>
  rows
    .filter((r) => !rows.some((o) => o !== r && o.validAccuracy >= r.validAccuracy && o.energyUj <= r.energyUj && (o.validAccuracy > r.validAccuracy || o.energyUj < r.energyUj)))
    .sort((a, b) => a.energyUj - b.energyUj);

/**
 * A Markdown table of the runs by energy weight, front members marked.
 * @example paretoTable([]).split('\n')[0] === '| run | energy weight | valid acc % | energy uJ | Pareto |'
 */
export const paretoTable = (rows: readonly ParetoRow[]): string => {
  const front = new Set(paretoFront(rows));
  return [
    '| run | energy weight | valid acc % | energy uJ | Pareto |',
    '|---|---|---|---|---|',
    ...[...rows]
      .sort((a, b) => a.energyWeight - b.energyWeight)
      .map((r) => `| ${r.run} | ${r.energyWeight} | ${(100 * r.validAccuracy).toFixed(2)} | ${r.energyUj.toFixed(3)} | ${front.has(r) ? 'yes' : ''} |`),
  ].join('\n');
};

/** The SVG: every run labelled with its energy weight, the Pareto front joined, validation accuracy against the derived network's energy. */
export const paretoSvg = (rows: readonly ParetoRow[], channels: number, cells: number): Promise<string> => {
  const front = new Set(paretoFront(rows));
  return renderSvg(
    scatterSpec(
      rows.map((r) => ({ x: r.energyUj, y: 100 * r.validAccuracy, label: `w = ${r.energyWeight}`, group: front.has(r) ? 'Pareto front' : 'dominated' })),
      { title: `validation accuracy against energy (derived networks at C = ${channels}, ${cells} cells)`, xLabel: 'arithmetic energy per inference (uJ)', yLabel: 'validation accuracy (%)', lineGroup: 'Pareto front' },
    ),
  );
};
