// A figure: a Vega-Lite specification rendered to SVG by Vega (headless, no canvas)
// and rasterised to PNG. Axes, ticks, legends, colour bars and titles come from the
// specification; nothing is drawn by hand.
import * as vega from 'vega';
import { compile, type Config, type TopLevelSpec } from 'vega-lite';

import { writeFileAtomic } from '../io/atomicWrite';
import { FIGURE_FONT_FAMILY } from './font';
import { rasterize } from './rasterize';

/** One look for every figure: the shipped font, plain (not bold) titles, no grid on images. */
const THEME: Config = {
  background: 'white',
  font: FIGURE_FONT_FAMILY,
  title: { fontSize: 15, fontWeight: 'normal', subtitleFontSize: 11, subtitleColor: '#555', anchor: 'middle' },
  header: { titleFontWeight: 'normal', labelFontSize: 12 },
  axis: { titleFontWeight: 'normal', titleFontSize: 12, labelFontSize: 11 },
  legend: { titleFontWeight: 'normal', titleFontSize: 12, labelFontSize: 11 },
  view: { stroke: '#888' },
};

export class Figure {
  constructor(
    /** The figure as SVG (text as text). */
    readonly svg: string,
    readonly png: Buffer,
    /** PNG size in pixels. */
    readonly width: number,
    readonly height: number,
  ) {}

  dataUri(): string {
    return `data:image/png;base64,${this.png.toString('base64')}`;
  }

  async writePng(file: string): Promise<void> {
    await writeFileAtomic(file, this.png);
  }
}

/** A specification without `config`: every figure gets THEME. */
export async function renderFigure(spec: TopLevelSpec): Promise<Figure> {
  const compiled = compile({ ...spec, config: THEME }).spec;
  // renderer 'none': the scenegraph is built without a canvas and serialised to SVG.
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    const svg = await view.toSVG();
    const { png, width, height } = await rasterize(svg);
    return new Figure(svg, png, width, height);
  } finally {
    view.finalize();
  }
}
