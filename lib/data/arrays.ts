// Checks and conversions shared by the dataset readers (NPZ contract, Ptychodus).
import { describeShape, isInteger, toComplex64, toFloat64, type NumericArray } from '../io/ndarray';
import type { JsTensor } from '../native/binding';
import { DatasetError } from './errors';

export function positions(array: NumericArray, where: string): Float64Array {
  if (array.shape.length !== 1) {
    throw new DatasetError(`${where} has shape ${describeShape(array.shape)}; positions must be a vector (M,)`);
  }
  if (array.dtype.startsWith('complex') || array.dtype === 'bool') {
    throw new DatasetError(`${where} has dtype ${array.dtype}; positions must be real numbers (object pixels)`);
  }
  return finite(toFloat64(array), where);
}

export function sameLength(values: Float64Array, M: number, where: string): Float64Array {
  if (values.length !== M)
    throw new DatasetError(`${where} has ${values.length} entries; expected ${M} (one per pattern)`);
  return values;
}

export function finite<T extends Float32Array | Float64Array>(values: T, where: string): T {
  const bad = values.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) throw new DatasetError(`${where} holds ${values[bad]} at flat index ${bad}; remove or repair it`);
  return values;
}

export function complexImage(array: NumericArray, where: string, shape?: [number, number], minSize = 0): JsTensor {
  if (array.shape.length !== 2) {
    throw new DatasetError(`${where} has shape ${describeShape(array.shape)}; expected a 2-D image (H, W)`);
  }
  if (shape && (array.shape[0] !== shape[0] || array.shape[1] !== shape[1])) {
    throw new DatasetError(
      `${where} has shape ${describeShape(array.shape)} but the patterns are ${shape[0]}×${shape[1]}; ` +
        `the probe must be sampled on the reconstruction grid, (${shape[0]}, ${shape[1]})`,
    );
  }
  if (array.shape[0] < minSize || array.shape[1] < minSize) {
    throw new DatasetError(
      `${where} has shape ${describeShape(array.shape)}; it must be at least ${minSize}×${minSize}`,
    );
  }
  if (isInteger(array.dtype) || array.dtype === 'bool') {
    throw new DatasetError(`${where} has dtype ${array.dtype}; expected a complex (or real float) image`);
  }
  return { dtype: 'complex64', shape: [...array.shape], data: finite(toComplex64(array), where) };
}

export function flags(array: NumericArray): Uint8Array {
  const values = toFloat64(array);
  return Uint8Array.from(values, (value) => (value !== 0 ? 1 : 0));
}

/**
 * How far a position may lie from the mean of the scan, in object pixels. Stitching
 * builds a square canvas of side N + 2·reach around that mean, so one stray position
 * (metres or nanometres where pixels were meant, say) would ask for gigabytes;
 * 8192 allows canvases up to about 16384².
 */
export const MAX_SCAN_REACH = 8192;

export interface ScanPositions {
  x: Float64Array;
  y: Float64Array;
  /** Names the position arrays in messages, e.g. "scan.npz: xcoords/ycoords". */
  where: string;
}

/**
 * Refuses positions whose patch (N × N, centred on the position) would not touch the
 * object (H, W) when one is given, and positions farther than MAX_SCAN_REACH from
 * the scan's mean.
 */
export function checkScanExtent(scan: ScanPositions, N: number, object?: { shape: number[]; where: string }): void {
  const { x, y, where } = scan;
  const hint = 'positions are patch centres in object pixels; check their units and origin';
  if (object) {
    const [H, W] = object.shape;
    const outside = x.findIndex((xi, i) => !(xi > -N / 2 && xi < W + N / 2 && y[i] > -N / 2 && y[i] < H + N / 2));
    if (outside >= 0) {
      throw new DatasetError(
        `${where}: position ${outside} (x ${x[outside]}, y ${y[outside]}) is so far outside ${object.where} ` +
          `(${H}×${W}) that its ${N}×${N} patch does not touch it; ${hint}`,
      );
    }
  }
  const mean = (values: Float64Array) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const [mx, my] = [mean(x), mean(y)];
  const farthest = x.reduce(
    (best, xi, i) => {
      const reach = Math.max(Math.abs(xi - mx), Math.abs(y[i] - my));
      return reach > best.reach ? { index: i, reach } : best;
    },
    { index: -1, reach: 0 },
  );
  if (farthest.reach > MAX_SCAN_REACH) {
    const i = farthest.index;
    const side = Math.ceil(N + 2 * farthest.reach);
    throw new DatasetError(
      `${where}: position ${i} (x ${x[i]}, y ${y[i]}) lies ${farthest.reach.toFixed(0)} px from the scan's centre ` +
        `(${mx.toFixed(1)}, ${my.toFixed(1)}), so the stitched object would need a ${side}×${side} canvas; ` +
        `${hint} (at most ${MAX_SCAN_REACH} px from the centre)`,
    );
  }
}
