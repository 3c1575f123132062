// One image as a Vega-Lite view: its pixels (coloured here, embedded as a PNG), axes
// in pixels, and optionally a colour bar drawn by Vega from the same colour scheme.
import { PNG } from 'pngjs';
import type { LayerSpec } from 'vega-lite/build/src/spec';
import type { Field } from 'vega-lite/build/src/channeldef';
import type { ColorScheme, Text } from 'vega';

import { colourize } from './colormaps';

export interface ImagePanel {
  /** Row-major, height × width. */
  values: ArrayLike<number>;
  height: number;
  width: number;
  scheme: ColorScheme;
  /** The values at the two ends of the colour map. */
  domain: readonly [number, number];
  /** Colour-bar title; without it the panel has no colour bar (it shares one drawn beside another panel). */
  colourBar?: string;
  /** Tick values of a phase colour bar, labelled as multiples of π. */
  phaseTicks?: boolean;
  title?: Text | { text: Text; subtitle?: Text };
  /** Length of the longer side, in SVG units. */
  size: number;
}

/** A phase colour bar's ticks: −π, −π/2, 0, π/2, π. */
const PHASE_TICKS = [-Math.PI, -Math.PI / 2, 0, Math.PI / 2, Math.PI];
const PHASE_LABEL =
  "abs(datum.value) < 1e-6 ? '0' : (datum.value < 0 ? '−' : '') + (abs(abs(datum.value) - PI) < 1e-6 ? 'π' : 'π/2')";

export function imagePanel(panel: ImagePanel): LayerSpec<Field> {
  const { height, width, size } = panel;
  const scale = size / Math.max(height, width);
  const png = new PNG({ width, height });
  png.data = Buffer.from(colourize(panel.values, panel.scheme, panel.domain).buffer);
  const url = `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
  const pixelAxis = (extent: number, title: string) => ({
    type: 'quantitative' as const,
    scale: { domain: [0, extent], nice: false, zero: false },
    axis: { title, grid: false, tickMinStep: 1 },
  });
  const [lo, hi] = panel.domain;
  return {
    ...(panel.title === undefined ? {} : { title: panel.title }),
    width: Math.round(width * scale),
    height: Math.round(height * scale),
    layer: [
      {
        data: { values: [{ x: 0, x2: width, y: 0, y2: height, url }] },
        mark: { type: 'image', aspect: false },
        encoding: {
          x: { field: 'x', ...pixelAxis(width, 'x (px)') },
          x2: { field: 'x2' },
          // Row 0 at the top, as the array is stored and as image viewers show it.
          y: { field: 'y', ...pixelAxis(height, 'y (px)'), scale: { domain: [0, height], nice: false, reverse: true } },
          y2: { field: 'y2' },
          url: { field: 'url', type: 'nominal' },
        },
      },
      // Invisible points spanning the domain: they give Vega the colour scale that
      // it draws as the colour bar.
      {
        data: { values: [{ value: lo }, { value: hi }] },
        mark: { type: 'point', opacity: 0 },
        encoding: {
          x: { datum: 0, type: 'quantitative' },
          y: { datum: 0, type: 'quantitative' },
          color: {
            field: 'value',
            type: 'quantitative',
            scale: { scheme: panel.scheme, domain: [lo, hi] },
            legend:
              panel.colourBar === undefined
                ? null
                : {
                    title: panel.colourBar,
                    gradientLength: Math.max(60, Math.round(height * scale) - 20),
                    tickCount: 5,
                    ...(panel.phaseTicks ? { values: PHASE_TICKS, labelExpr: PHASE_LABEL } : {}),
                  },
          },
        },
      },
    ],
  };
}
