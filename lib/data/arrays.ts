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
