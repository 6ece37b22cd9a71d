import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A Vega-Lite specification: every plot of a run is one, so a reader can open it in any Vega-Lite editor too. */
export type PlotSpec = TopLevelSpec;

/** What every plot shares: white background, a sans-serif font that Debian's fonts-dejavu-core provides to resvg. */
export const PLOT_BASE = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  background: 'white',
  config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif' },
} as const;

/**
 * The SVG of a Vega-Lite specification, rendered headless (Vega's SVG renderer needs no canvas; text widths are
 * estimated, which is why the specs leave generous margins).
 */
export const renderSvg = async (spec: PlotSpec): Promise<string> => {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return svg.endsWith('\n') ? svg : `${svg}\n`;
  } finally {
    view.finalize();
  }
};

/**
 * A PNG of an SVG on a white background (resvg; system fonts), `scale` times its size: for README images and for
 * looking at plots. resvg is a native package, loaded only here: the single-file bundle (scripts/bundle.mjs) keeps it
 * external, so every other command runs without it.
 */
export const svgToPng = async (svg: string, scale = 1): Promise<Uint8Array> => {
  const { Resvg } = await import('@resvg/resvg-js');
  return new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true } }).render().asPng();
};
