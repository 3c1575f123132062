// The images `train` and `infer` write: colour-mapped amplitude and phase with a
// labelled colour bar, and the loss curve.
import type { EpochRecord } from '../native/binding';
import { label, Raster, type Rgb } from './canvas';

// Anchors of matplotlib's viridis (sequential, for amplitude) and a cyclic map for
// phase, so that −π and π get the same colour.
const VIRIDIS: Rgb[] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [180, 222, 44],
  [253, 231, 37],
];
const CYCLIC: Rgb[] = [
  [226, 217, 226],
  [142, 162, 200],
  [94, 67, 172],
  [47, 20, 55],
  [139, 45, 70],
  [201, 125, 107],
  [226, 217, 226],
];

function lookup(map: Rgb[], t: number): Rgb {
  const x = Math.min(1, Math.max(0, t)) * (map.length - 1);
  const i = Math.min(map.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((c) => Math.round(map[i][c] * (1 - f) + map[i + 1][c] * f)) as Rgb;
}

export interface ImageFigure {
  values: Float32Array;
  height: number;
  width: number;
  kind: 'amplitude' | 'phase';
}

const BLACK: Rgb = [0, 0, 0];

/** The image scaled up to at least 256 px, with a colour bar labelled by its range. */
export function imageFigure({ values, height, width, kind }: ImageFigure): Raster {
  const zoom = Math.max(1, Math.ceil(256 / Math.max(height, width)));
  let lo = kind === 'phase' ? -Math.PI : Infinity;
  let hi = kind === 'phase' ? Math.PI : -Infinity;
  if (kind === 'amplitude') {
    for (const v of values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (!(hi > lo)) hi = lo + 1;
  }
  const map = kind === 'phase' ? CYCLIC : VIRIDIS;
  const barX = width * zoom + 16;
  const raster = new Raster(barX + 90, Math.max(height * zoom, 120) + 20);
  for (let y = 0; y < height * zoom; y++) {
    for (let x = 0; x < width * zoom; x++) {
      const v = values[Math.floor(y / zoom) * width + Math.floor(x / zoom)];
      raster.set(x + 10, y + 10, lookup(map, (v - lo) / (hi - lo)));
    }
  }
  const barHeight = Math.max(height * zoom, 120);
  for (let y = 0; y < barHeight; y++) {
    const color = lookup(map, 1 - y / (barHeight - 1));
    for (let x = 0; x < 16; x++) raster.set(barX + x, y + 10, color);
  }
  raster.text(barX + 22, 10, label(hi), BLACK);
  raster.text(barX + 22, 10 + barHeight - 10, label(lo), BLACK);
  return raster;
}

const TRAIN: Rgb = [31, 119, 180];
const VALIDATION: Rgb = [255, 127, 14];

/** Training (blue) and validation (orange) loss per epoch, log-scaled when positive. */
export function lossFigure(history: EpochRecord[]): Raster {
  const raster = new Raster(480, 320);
  const [left, top, right, bottom] = [70, 20, 460, 290];
  raster.line(left, bottom, right, bottom, BLACK);
  raster.line(left, top, left, bottom, BLACK);
  const series = [history.map((h) => h.loss), history.map((h) => h.validationLoss ?? NaN)];
  const all = series.flat().filter(Number.isFinite);
  if (all.length === 0) return raster;
  const positive = all.every((v) => v > 0);
  const f = (v: number) => (positive ? Math.log10(v) : v);
  let lo = Math.min(...all.map(f));
  let hi = Math.max(...all.map(f));
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const px = (i: number) => left + (history.length === 1 ? 0 : ((right - left) * i) / (history.length - 1));
  const py = (v: number) => bottom - ((bottom - top) * (f(v) - lo)) / (hi - lo);
  series.forEach((values, s) => {
    const color = s === 0 ? TRAIN : VALIDATION;
    values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      const prev = values[i - 1];
      if (i > 0 && Number.isFinite(prev)) raster.line(px(i - 1), py(prev), px(i), py(v), color);
      raster.line(px(i) - 2, py(v), px(i) + 2, py(v), color);
    });
  });
  raster.text(4, top, label(positive ? 10 ** hi : hi), BLACK);
  raster.text(4, bottom - 10, label(positive ? 10 ** lo : lo), BLACK);
  raster.text(left, bottom + 8, '1', BLACK);
  raster.text(right - 12, bottom + 8, String(history.length), BLACK);
  return raster;
}
