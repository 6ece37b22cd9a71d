import { PLOT_BASE, type PlotSpec } from './render';

/** Operands per side of an 8-bit multiplier table. */
const SIDE = 256;

/**
 * The signed error approx(a, b) − a·b of a 256 x 256 table (index a * 256 + b, a the activation) as a heat map with
 * axes and a colour bar: the mean error of each `block` x `block` square of operands (64 x 64 squares by default,
 * which keeps the SVG small), on a diverging scale symmetric about 0 (red: over, blue: under).
 * @example errorHeatmapSpec('exact', new Uint16Array(65536).map((_, i) => Math.floor(i / 256) * (i % 256))).title === 'exact: mean signed error per 4 x 4 operands'
 */
export const errorHeatmapSpec = (name: string, products: ArrayLike<number>, block = 4): PlotSpec => {
  const n = SIDE / block;
  const values: { a: number; b: number; a2: number; b2: number; error: number }[] = [];
  let worst = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let da = 0; da < block; da++)
        for (let db = 0; db < block; db++) {
          const a = i * block + da;
          const b = j * block + db;
          sum += (products[a * SIDE + b] ?? 0) - a * b;
        }
      const error = sum / (block * block);
      worst = Math.max(worst, Math.abs(error));
      values.push({ a: i * block, b: j * block, a2: (i + 1) * block, b2: (j + 1) * block, error });
    }
  const range = worst || 1;
  const axis = (title: string) => ({ title, values: [0, 32, 64, 96, 128, 160, 192, 224, 255] });
  return {
    ...PLOT_BASE,
    title: `${name}: mean signed error per ${block} x ${block} operands`,
        padding: 16,
    width: 384,
    height: 384,
    data: { values },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'b', type: 'quantitative', bin: { binned: true, step: block }, scale: { domain: [0, SIDE] }, axis: axis('weight operand b') },
      x2: { field: 'b2' },
      y: { field: 'a', type: 'quantitative', bin: { binned: true, step: block }, scale: { domain: [0, SIDE], reverse: true }, axis: axis('activation operand a') },
      y2: { field: 'a2' },
      color: { field: 'error', type: 'quantitative', title: 'approx − exact', scale: { scheme: 'redblue', reverse: true, domain: [-range, range] }, legend: { gradientLength: 300 } },
    },
  } as PlotSpec;
};
