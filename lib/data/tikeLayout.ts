// tike's ptychography arrays (github.com/AdvancedPhotonSource/tike; its test data
// are stored so): `data` measured photon counts (…, M, H, W) with the zero frequency
// at pixel (0, 0), `scan` (…, M, 2) [row, column] of each probe window's first pixel,
// `probe` (…, H, W) complex. They map onto the dataset contract: frames fftshifted,
// window corners moved to patch centres on a grid whose first corner is at 0, the
// first probe mode. Counts are what tike's `data` are, so they are read as counts.
import { describeShape, elementCount, toFloat64, type NpyArray, type NumericArray } from '../io/ndarray';
import type { NpzContents } from '../io/npz';
import { DatasetError } from './errors';

export const TIKE_KEYS = ['data', 'scan', 'probe'] as const;

/** tike's three arrays, and none of the contract's diffraction keys. */
export function isTikeLayout(contents: NpzContents): boolean {
  const has = (key: string) => contents.arrays.has(key);
  return TIKE_KEYS.every(has) && !has('diff3d') && !has('diffraction');
}

/** The same data under the contract's keys, with notes saying what was converted. */
export function fromTikeLayout(contents: NpzContents): { contents: NpzContents; notes: string[] } {
  const where = (key: string) => `${contents.file}: key '${key}'`;
  const data = leadingSqueezed(numeric(contents.arrays.get('data')!, where('data')), 3, where('data'));
  const scan = leadingSqueezed(numeric(contents.arrays.get('scan')!, where('scan')), 2, where('scan'));
  const probe = leadingSqueezed(numeric(contents.arrays.get('probe')!, where('probe')), 2, where('probe'), true);
  const [M, H, W] = data.shape;
  if (scan.shape[0] !== M || scan.shape[1] !== 2) {
    throw new DatasetError(`${where('scan')} has shape ${describeShape(scan.shape)}; expected (${M}, 2) [row, column]`);
  }
  const corners = toFloat64(scan);
  const rows = Float64Array.from({ length: M }, (_, m) => corners[2 * m]);
  const columns = Float64Array.from({ length: M }, (_, m) => corners[2 * m + 1]);
  const lowest = (values: Float64Array) => values.reduce((a, b) => Math.min(a, b), Infinity);
  const [top, left] = [lowest(rows), lowest(columns)];
  const arrays = new Map<string, NpyArray>([
    ['diff3d', { dtype: 'float32', shape: [M, H, W], data: centredFrames(data, M, H, W) }],
    ['probeGuess', probe],
    ['xcoords', { dtype: 'float64', shape: [M], data: columns.map((x) => x - left + W / 2) }],
    ['ycoords', { dtype: 'float64', shape: [M], data: rows.map((y) => y - top + H / 2) }],
  ]);
  return {
    contents: { file: contents.file, arrays, skipped: contents.skipped },
    notes: [
      `${contents.file}: read as tike's arrays (data, scan, probe): counts with the zero frequency moved to the ` +
        `frame centre, window corners [row, column] moved to patch centres (first corner at 0)`,
    ],
  };
}

function numeric(array: NpyArray, where: string): NumericArray {
  if (array.dtype === 'str') throw new DatasetError(`${where} is a string array; a numeric array is needed`);
  return array;
}

/**
 * Drops leading axes of size 1 until `rank` remain (tike keeps axes for views and
 * modes). With `firstOfRest`, a longer leading axis keeps its first entry (the first
 * probe mode).
 */
function leadingSqueezed(array: NumericArray, rank: number, where: string, firstOfRest = false): NumericArray {
  const shape = array.shape.slice(array.shape.length - rank);
  const lead = array.shape.slice(0, array.shape.length - rank);
  if (array.shape.length < rank || (!firstOfRest && lead.some((size) => size !== 1))) {
    throw new DatasetError(`${where} has shape ${describeShape(array.shape)}; expected ${rank} axes after size-1 ones`);
  }
  const count = elementCount(shape) * (array.dtype.startsWith('complex') ? 2 : 1);
  return { ...array, shape, data: array.data.subarray(0, count) } as NumericArray;
}

/** Every frame's quadrants swapped (fftshift over the last two axes), as float32. */
function centredFrames(data: NumericArray, M: number, H: number, W: number): Float32Array {
  const values = data.data as ArrayLike<number>;
  const out = new Float32Array(M * H * W);
  for (let m = 0; m < M; m++) {
    for (let r = 0; r < H; r++) {
      const row = (r + Math.floor(H / 2)) % H;
      for (let c = 0; c < W; c++) {
        out[(m * H + row) * W + ((c + Math.floor(W / 2)) % W)] = Number(values[(m * H + r) * W + c]);
      }
    }
  }
  return out;
}
