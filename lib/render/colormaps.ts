// Colour maps, shared by the image pixels (coloured here) and the colour bars (drawn
// by Vega from the same scheme name): a colour bar always tells the truth about its
// image.
import * as vega from 'vega';
import type { ColorScheme } from 'vega';

export type Rgb = [number, number, number];

/** Sequential, perceptually even, readable in grey and by most colour-blind readers. */
export const AMPLITUDE_SCHEME: ColorScheme = 'viridis';
/** Diverging around a light centre: signed differences, zero neutral. */
export const DIFFERENCE_SCHEME: ColorScheme = 'blueorange';
/**
 * Cyclic (−π and π get one colour), light at ±π and dark at 0: the phase wraps without
 * a seam. Registered with vega.scheme() below; the cast is because the type lists only
 * Vega's built-in names.
 */
export const PHASE_SCHEME = 'ptychopinn-twilight' as ColorScheme;

// Anchors tracing matplotlib's twilight; Vega has no perceptual cyclic map (its
// sinebow is a rainbow), so this one is registered with it.
const TWILIGHT: Rgb[] = [
  [226, 217, 226],
  [142, 162, 200],
  [94, 67, 172],
  [47, 20, 55],
  [139, 45, 70],
  [201, 125, 107],
  [226, 217, 226],
];

function interpolate(anchors: Rgb[], t: number): Rgb {
  const x = Math.min(1, Math.max(0, t)) * (anchors.length - 1);
  const i = Math.min(anchors.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((c) => Math.round(anchors[i][c] * (1 - f) + anchors[i + 1][c] * f)) as Rgb;
}

vega.scheme(PHASE_SCHEME, (t: number) => `rgb(${interpolate(TWILIGHT, t).join(', ')})`);

const LEVELS = 256;
const tables = new Map<string, Uint8Array>();

/** LEVELS colours sampled from the scheme Vega will draw the colour bar with. */
function colourTable(scheme: string): Uint8Array {
  let table = tables.get(scheme);
  if (!table) {
    const interpolator = vega.scheme(scheme) as (t: number) => string;
    table = new Uint8Array(LEVELS * 3);
    for (let k = 0; k < LEVELS; k++) table.set(parseRgb(interpolator(k / (LEVELS - 1))), k * 3);
    tables.set(scheme, table);
  }
  return table;
}

function parseRgb(colour: string): Rgb {
  const match = /^rgb\((\d+), ?(\d+), ?(\d+)\)$/.exec(colour);
  if (!match) throw new Error(`unexpected colour '${colour}' from the Vega scheme`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/**
 * RGBA pixels of `values` mapped linearly from `domain` onto `scheme`; values outside
 * the domain take the end colours, non-finite values are transparent.
 */
export function colourize(values: ArrayLike<number>, scheme: string, domain: readonly [number, number]): Uint8Array {
  const table = colourTable(scheme);
  const [lo, hi] = domain;
  const rgba = new Uint8Array(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    const k = Math.round(Math.min(1, Math.max(0, t)) * (LEVELS - 1));
    rgba.set(table.subarray(k * 3, k * 3 + 3), i * 4);
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}
