// The in-memory form of one .npy array. Data are always C order; complex values are
// interleaved (re, im) as in NumPy's memory, so complex64 data is a Float32Array of
// twice the element count.

export type NumericDType =
  | 'bool'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64'
  | 'complex64'
  | 'complex128';

export type NumericData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

export interface NumericArray {
  dtype: NumericDType;
  shape: number[];
  data: NumericData;
}

/** A NumPy unicode (`<U…`) array, such as a name or a JSON string stored with savez. */
export interface StringArray {
  dtype: 'str';
  shape: number[];
  data: string[];
}

export type NpyArray = NumericArray | StringArray;

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

export function isComplex(dtype: NpyArray['dtype']): dtype is 'complex64' | 'complex128' {
  return dtype === 'complex64' || dtype === 'complex128';
}

export function isInteger(dtype: NpyArray['dtype']): boolean {
  return dtype !== 'str' && dtype !== 'bool' && !dtype.startsWith('float') && !isComplex(dtype);
}

export function describeShape(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** The values of a real array as float64 (int64 beyond 2^53 loses precision, as in NumPy). */
export function toFloat64(array: NumericArray): Float64Array {
  if (array.data instanceof Float64Array && !isComplex(array.dtype)) return array.data;
  if (array.data instanceof BigInt64Array || array.data instanceof BigUint64Array) {
    const out = new Float64Array(array.data.length);
    for (let i = 0; i < out.length; i += 1) out[i] = Number(array.data[i]);
    return out;
  }
  return Float64Array.from(array.data);
}

/** The values of a real or complex array as complex64, interleaved. */
export function toComplex64(array: NumericArray): Float32Array {
  if (array.dtype === 'complex64') return array.data as Float32Array;
  if (array.dtype === 'complex128') return Float32Array.from(array.data as Float64Array);
  const real = toFloat64(array);
  const out = new Float32Array(real.length * 2);
  for (let i = 0; i < real.length; i += 1) out[2 * i] = real[i];
  return out;
}
