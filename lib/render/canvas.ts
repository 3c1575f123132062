// A minimal RGBA raster with the few drawing operations the figures need, written
// to PNG with pngjs, in memory or to a file (atomically: temporary file, then rename).
import { PNG } from 'pngjs';

import { writeFileAtomic } from '../io/atomicWrite';

export type Rgb = [number, number, number];

// 3×5 glyphs for numeric labels, one row per string, '#' = ink.
const GLYPHS: Record<string, string[]> = {
  '0': ['###', '#.#', '#.#', '#.#', '###'],
  '1': ['.#.', '##.', '.#.', '.#.', '###'],
  '2': ['###', '..#', '###', '#..', '###'],
  '3': ['###', '..#', '###', '..#', '###'],
  '4': ['#.#', '#.#', '###', '..#', '..#'],
  '5': ['###', '#..', '###', '..#', '###'],
  '6': ['###', '#..', '###', '#.#', '###'],
  '7': ['###', '..#', '..#', '..#', '..#'],
  '8': ['###', '#.#', '###', '#.#', '###'],
  '9': ['###', '#.#', '###', '..#', '###'],
  '.': ['...', '...', '...', '...', '.#.'],
  '-': ['...', '...', '###', '...', '...'],
  '+': ['...', '.#.', '###', '.#.', '...'],
  e: ['...', '###', '#.#', '##.', '###'],
};

export class Raster {
  readonly data: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    this.data = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) this.data.set([...background, 255], i * 4);
  }

  set(x: number, y: number, color: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.data.set(color, (Math.round(y) * this.width + Math.round(x)) * 4);
  }

  line(x0: number, y0: number, x1: number, y1: number, color: Rgb): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let s = 0; s <= steps; s++) this.set(x0 + ((x1 - x0) * s) / steps, y0 + ((y1 - y0) * s) / steps, color);
  }

  /** Draws `text` (digits, '.', '-', '+', 'e') with its top-left corner at (x, y), `scale` pixels per dot. */
  text(x: number, y: number, text: string, color: Rgb, scale = 2): void {
    [...text].forEach((ch, k) => {
      const glyph = GLYPHS[ch];
      if (!glyph) return;
      glyph.forEach((row, gy) =>
        [...row].forEach((dot, gx) => {
          if (dot !== '#') return;
          for (let dy = 0; dy < scale; dy++) {
            for (let dx = 0; dx < scale; dx++) this.set(x + (k * 4 + gx) * scale + dx, y + gy * scale + dy, color);
          }
        }),
      );
    });
  }

  toPng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    png.data = Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    return PNG.sync.write(png);
  }

  async writePng(file: string): Promise<void> {
    await writeFileAtomic(file, this.toPng());
  }
}

/** A compact label for a colour-bar or axis value. */
export function label(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e4 || magnitude < 1e-2 ? value.toExponential(1).replace('e+', 'e') : value.toPrecision(3);
}
