import { describe, expect, it } from 'vitest';
import { DARTS_SPACE, edgesOf, extendOps, sepConv, withoutOps } from '@approx-darts/search-space';
import type { Alphas } from '@approx-darts/genotype';
import { alphaEvolutionSpec, errorHeatmapSpec, lineChartSpec, multiplierChoiceSpec, renderSvg, scatterSpec, svgToPng } from './index';

/** The text of every <text> element of a rendered SVG. */
const texts = (svg: string): readonly string[] => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

/** Uniform alphas nudged: op `o` of edge `e` gets 1/n + (o - e % n) * 1e-4, the size of differences early in a search. */
const nudged = (space = DARTS_SPACE, size = 1e-4): Alphas => {
  const row = (e: number, n: number) => Array.from({ length: n }, (_, o) => 1 / n + (o - (e % n)) * size);
  return { normal: edgesOf(space.topology).map((e) => row(e.index, space.normal.length)), reduce: edgesOf(space.topology).map((e) => row(e.index, space.reduce.length)) };
};

describe('alpha evolution plot', () => {
  it('names every edge by its states and every op of each cell type, and auto-scales to differences of 1e-4', async () => {
    const space = withoutOps(['max_pool_3x3'], 'normal')(extendOps([sepConv(7)])(DARTS_SPACE));
    const svg = await renderSvg(alphaEvolutionSpec(space, [nudged(space, 0), nudged(space)]));
    const t = texts(svg);
    for (const e of edgesOf(space.topology)) expect(t.filter((x) => x === `s${e.from} → s${e.to}`)).toHaveLength(2 * 2); // a facet header and a heat-map row per cell type
    for (const op of [...space.normal, ...space.reduce]) expect(t).toContain(op.name);
    expect(t).toContain('normal cell: softmax(alpha) − 1/8 per edge over epochs');
    expect(t).toContain('reduce cell: softmax(alpha) − 1/9 per edge over epochs');
    // The deviation axis has ticks at the 1e-4 scale, not one line on a [0, 1] axis.
    const ticks = t.filter((x) => /^-?\d\.\de[-+]\d+$/.test(x)).map(Number);
    expect(ticks.some((v) => v !== 0 && Math.abs(v) < 1e-3)).toBe(true);
    // The heat map writes the final values with four decimals: 1/8 + 1e-4 on the first normal edge's second op.
    expect(t).toContain((1 / 8 + 1e-4).toFixed(4));
  });

  it('plots the multiplier choice per approximable op with E / E_ref', async () => {
    const names = ['fp32', 'mul8u_NGR'];
    const betas = (p: number) => edgesOf(DARTS_SPACE.topology).map(() => Array.from({ length: 4 }, () => [p, 1 - p]));
    const history = [0.5, 0.6].map((p, e) => ({ energyRatio: 1 - e / 10, alphas: { multipliers: names, normal: betas(p), reduce: betas(p) } }));
    const t = texts(await renderSvg(multiplierChoiceSpec(DARTS_SPACE, history)));
    for (const x of ['E / E_ref', 'fp32', 'mul8u_NGR', 'sep_conv_3x3', 'dil_conv_5x5', '0.6000', '0.4000']) expect(t).toContain(x);
  });
});

describe('line and scatter charts', () => {
  it('escapes text and labels axes and series', async () => {
    const svg = await renderSvg(lineChartSpec([{ name: 'train', points: [[1, 2], [2, 1]] }], { title: 'a < b & c', xLabel: 'epoch', yLabel: 'loss' }));
    expect(svg).toContain('a &lt; b &amp; c');
    for (const x of ['epoch', 'loss', 'train']) expect(texts(svg)).toContain(x);
  });

  it('pads both axes so no point sits on the frame, and labels every point', () => {
    const points = [
      { x: 100, y: 90, label: 'w = 0', group: 'front' },
      { x: 80, y: 70, label: 'w = 1', group: 'front', yError: 2 },
    ];
    const spec = scatterSpec(points, { title: 't', xLabel: 'x', yLabel: 'y' }) as unknown as { layer: { encoding: { x: { scale: { domain: number[] } }; y: { scale: { domain: number[] } } } }[] };
    const { x, y } = spec.layer[0]!.encoding;
    expect(x.scale.domain[0]).toBeLessThan(80);
    expect(x.scale.domain[1]).toBeGreaterThan(100);
    expect(y.scale.domain[0]).toBeLessThan(68); // below the error bar too
    expect(y.scale.domain[1]).toBeGreaterThan(90);
  });
});

describe('multiplier error heat map', () => {
  it('is all zero error on the exact table, with axes and a colour bar', async () => {
    const exact = Uint16Array.from({ length: 65536 }, (_, i) => Math.floor(i / 256) * (i % 256));
    const spec = errorHeatmapSpec('mul8u_1JFF', exact) as unknown as { data: { values: { error: number }[] } };
    expect(spec.data.values).toHaveLength(64 * 64);
    expect(spec.data.values.every((v) => v.error === 0)).toBe(true);
    const t = texts(await renderSvg(errorHeatmapSpec('mul8u_1JFF', exact)));
    for (const x of ['activation operand a', 'weight operand b', 'approx − exact', '255']) expect(t).toContain(x);
  });

  it('averages each block of the signed error', () => {
    const plusOne = Uint16Array.from({ length: 65536 }, (_, i) => Math.floor(i / 256) * (i % 256) + (i === 0 ? 16 : 0));
    const spec = errorHeatmapSpec('t', plusOne) as unknown as { data: { values: { a: number; b: number; error: number }[] } };
    expect(spec.data.values[0]).toMatchObject({ a: 0, b: 0, error: 1 }); // 16 over one of 4 x 4 operand pairs
  });
});

describe('svgToPng', () => {
  it('renders at the asked scale', async () => {
    const png = await svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="20"><rect width="10" height="20" fill="red"/></svg>', 2);
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    const view = new DataView(png.buffer, png.byteOffset);
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([20, 40]); // IHDR width, height
  });
});
