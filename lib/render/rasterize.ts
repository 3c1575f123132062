// SVG → PNG with resvg (Rust, prebuilt for each platform; no canvas, no system
// libraries), on libuv's thread pool so the event loop stays free.
import { renderAsync } from '@resvg/resvg-js';

import { FIGURE_FONT_FAMILY, figureFontFile } from './font';

/** PNG pixels per SVG unit: figures stay sharp on a high-density screen and in print. */
export const PIXEL_RATIO = 2;

export interface Raster {
  png: Buffer;
  width: number;
  height: number;
}

export async function rasterize(svg: string): Promise<Raster> {
  const image = await renderAsync(svg, {
    font: {
      fontFiles: [figureFontFile()],
      loadSystemFonts: false,
      defaultFontFamily: FIGURE_FONT_FAMILY,
      sansSerifFamily: FIGURE_FONT_FAMILY,
    },
    fitTo: { mode: 'zoom', value: PIXEL_RATIO },
    // Nearest-neighbour for embedded rasters: an object pixel stays a square, as in
    // the data, instead of being blurred into its neighbours.
    imageRendering: 1,
  });
  return { png: image.asPng(), width: image.width, height: image.height };
}
