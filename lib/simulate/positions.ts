// Scan positions (object pixels, [x, y] = [column, row]) and the object size that
// holds every patch: patch pixel j sits at pos − N/2 + j (reference §1), and one more
// pixel of margin lets the sub-pixel patch extraction interpolate.
import type { Rng } from '../random/rng';
import { DatasetError } from '../data/errors';

export type PositionSpec = { kind: 'raster'; step?: number; jitter?: number } | { kind: 'random' };

export interface Scan {
  xcoords: Float64Array;
  ycoords: Float64Array;
  /** Nominal positions, before jitter. */
  xcoordsStart: Float64Array;
  ycoordsStart: Float64Array;
}

/** Default raster step: a quarter of the patch. */
export function defaultStep(N: number): number {
  return N / 4;
}

/** The smallest object that holds a raster of n positions with this step and jitter. */
export function objectSizeFor(n: number, N: number, spec: PositionSpec): number {
  const step = spec.kind === 'raster' ? (spec.step ?? defaultStep(N)) : defaultStep(N);
  const jitter = spec.kind === 'raster' ? (spec.jitter ?? 0) : 0;
  const side = Math.ceil(Math.sqrt(n));
  const size = Math.ceil((side - 1) * step + N + 2 + 2 * Math.ceil(4 * jitter));
  return size + (size % 2);
}

export function scanPositions(n: number, N: number, size: number, spec: PositionSpec, rng: Rng): Scan {
  const lo = N / 2 + 1;
  const hi = size - N / 2 - 1;
  if (hi < lo) throw new DatasetError(`object size ${size} is too small for ${N}×${N} patches; use at least ${N + 2}`);
  const xcoords = new Float64Array(n);
  const ycoords = new Float64Array(n);
  if (spec.kind === 'random') {
    for (let k = 0; k < n; k += 1) {
      xcoords[k] = lo + rng.uniform() * (hi - lo);
      ycoords[k] = lo + rng.uniform() * (hi - lo);
    }
    return { xcoords, ycoords, xcoordsStart: xcoords.slice(), ycoordsStart: ycoords.slice() };
  }
  const step = spec.step ?? defaultStep(N);
  const jitter = spec.jitter ?? 0;
  const side = Math.ceil(Math.sqrt(n));
  const extent = (side - 1) * step;
  if (!(step > 0) || extent > hi - lo) {
    throw new DatasetError(
      `a ${side}×${side} raster with step ${step} spans ${extent} px, more than the ${hi - lo} px that a ` +
        `${size}-pixel object leaves for ${N}×${N} patches; lower --n-images or --step, or raise --object-size`,
    );
  }
  // A whole-pixel origin keeps integer steps on pixel centres, where Y needs no interpolation.
  const origin = Math.floor((lo + hi - extent) / 2);
  const xcoordsStart = new Float64Array(n).map((_, k) => origin + (k % side) * step);
  const ycoordsStart = new Float64Array(n).map((_, k) => origin + Math.floor(k / side) * step);
  for (let k = 0; k < n; k += 1) {
    xcoords[k] = clamp(xcoordsStart[k] + jitter * rng.normal(), lo, hi);
    ycoords[k] = clamp(ycoordsStart[k] + jitter * rng.normal(), lo, hi);
  }
  return { xcoords, ycoords, xcoordsStart, ycoordsStart };
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}
