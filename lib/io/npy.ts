// .npy encoding and decoding. npyjs does the header parsing and the typed-array views;
// the checks before it (object, structured and big-endian arrays, which it cannot
// represent) and after it (length, Fortran order, bool) are ours.
import { dump, parse, type DType as NpyjsDType } from 'npyjs';

import {
  describeShape,
  elementCount,
  isComplex,
  type NpyArray,
  type NumericData,
  type NumericDType,
  type StringArray,
} from './ndarray';

export class NpyFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NpyFormatError';
  }
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const CODES: Record<string, NumericDType> = {
  b1: 'bool',
  i1: 'int8',
  u1: 'uint8',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  u4: 'uint32',
  i8: 'int64',
  u8: 'uint64',
  f2: 'float32', // npyjs widens float16 to float32
  f4: 'float32',
  f8: 'float64',
  c8: 'complex64',
  c16: 'complex128',
};

const NPYJS_CODES: Record<NumericDType, NpyjsDType> = {
  bool: 'b1',
  int8: 'i1',
  uint8: 'u1',
  int16: 'i2',
  uint16: 'u2',
  int32: 'i4',
  uint32: 'u4',
  int64: 'i8',
  uint64: 'u8',
  float32: 'f4',
  float64: 'f8',
  complex64: 'c8',
  complex128: 'c16',
};

export interface NpyHeader {
  /** NumPy's dtype descriptor, e.g. '<f4', '|O'. */
  descr: string;
  /** Byte offset of the array data. */
  dataOffset: number;
}

/**
 * Reads the header of a .npy file from its first bytes. Returns undefined while
 * `bytes` is too short to hold the whole header.
 */
export function readNpyHeader(bytes: Uint8Array, where: string): NpyHeader | undefined {
  if (bytes.length < 12) return undefined;
  if (!MAGIC.every((byte, i) => bytes[i] === byte)) {
    throw new NpyFormatError(
      `${where} is not a NumPy .npy array (bad magic bytes ${hex(bytes.subarray(0, 6))}); ` +
        'write it with numpy.save / numpy.savez',
    );
  }
  const major = bytes[6];
  if (major < 1 || major > 3) {
    throw new NpyFormatError(`${where} uses .npy format version ${major}.${bytes[7]}, which is not 1, 2 or 3`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerOffset = major === 1 ? 10 : 12;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = headerOffset + headerLength;
  if (bytes.length < dataOffset) return undefined;
  const header = Buffer.from(bytes.buffer, bytes.byteOffset + headerOffset, headerLength).toString('latin1');
  const structured = /'descr'\s*:\s*\[/.test(header);
  const descr = structured ? '[structured]' : /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  if (descr === undefined) throw new NpyFormatError(`${where} has a malformed .npy header: ${header.trim()}`);
  return { descr, dataOffset };
}

/** Whether a descriptor denotes a pickled Python object array. */
export function isObjectDescr(descr: string): boolean {
  return /^[|<>=]?O\d*$/.test(descr);
}

/**
 * Decodes a whole .npy file held in `buffer` (which must start at the file's first
 * byte). Numeric data are views into `buffer`, not copies, except for Fortran-order
 * and bool arrays.
 */
export function decodeNpy(buffer: ArrayBuffer, where: string): NpyArray {
  const header = readNpyHeader(new Uint8Array(buffer), where);
  if (!header) throw new NpyFormatError(`${where} is truncated: it ends inside its .npy header`);
  const { descr } = header;
  if (isObjectDescr(descr)) {
    throw new NpyFormatError(
      `${where} is a pickled object array (dtype object); ptychopinn never unpickles: ` +
        'store it as a numeric or string array',
    );
  }
  if (descr === '[structured]') {
    throw new NpyFormatError(`${where} is a structured (record) array; store each field as its own array`);
  }
  const code = descr.replace(/^[<|=]/, '');
  if (descr.startsWith('>')) {
    throw new NpyFormatError(
      `${where} is big-endian (${descr}); convert it with arr.astype(arr.dtype.newbyteorder('<')) and re-save`,
    );
  }
  if (!(code in CODES) && !/^U\d+$/.test(code)) {
    throw new NpyFormatError(`${where} has dtype ${descr}, which ptychopinn does not read`);
  }
  if (header.dataOffset % 8 !== 0) {
    throw new NpyFormatError(
      `${where}: its data start at byte ${header.dataOffset}, not 8-aligned; re-save it with numpy`,
    );
  }
  let parsed;
  try {
    parsed = parse(buffer);
  } catch (error) {
    throw new NpyFormatError(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const shape = parsed.shape;
  if (shape.some((size) => !Number.isInteger(size) || size < 0)) {
    throw new NpyFormatError(`${where} has an invalid shape in its header: ${JSON.stringify(shape)}`);
  }
  const count = elementCount(shape);
  const data = parsed.data as unknown as NumericData | boolean[] | string[];
  if (/^U\d+$/.test(code)) {
    return orderC(checkLength(data as string[], count, shape, where), shape, parsed.fortranOrder, 'str');
  }
  const dtype = CODES[code];
  const width = isComplex(dtype) ? 2 : 1;
  const values =
    dtype === 'bool' && Array.isArray(data)
      ? Uint8Array.from(data as boolean[], (value) => (value ? 1 : 0))
      : (data as NumericData);
  return orderC(checkLength(values, count * width, shape, where), shape, parsed.fortranOrder, dtype);
}

function checkLength<T extends NumericData | string[]>(data: T, expected: number, shape: number[], where: string): T {
  if (data.length < expected) {
    throw new NpyFormatError(
      `${where} is truncated: shape ${describeShape(shape)} needs ${expected} values, the file holds ${data.length}`,
    );
  }
  // Bytes past the array (padding some writers leave) are not part of it.
  return (data.length === expected ? data : data.slice(0, expected)) as T;
}

function orderC(
  data: NumericData | string[],
  shape: number[],
  fortranOrder: boolean,
  dtype: NumericDType | 'str',
): NpyArray {
  const width = dtype !== 'str' && isComplex(dtype) ? 2 : 1;
  const values = fortranOrder && shape.length > 1 ? fortranToC(data, shape, width) : data;
  return { dtype, shape, data: values } as NpyArray;
}

/** Reorders column-major data (NumPy's fortran_order) into row-major. */
function fortranToC<T extends NumericData | string[]>(data: T, shape: number[], width: number): T {
  const out = (Array.isArray(data) ? new Array<string>(data.length) : data.slice()) as T;
  const rank = shape.length;
  const fStride = new Array<number>(rank);
  for (let k = 0, stride = 1; k < rank; k += 1) {
    fStride[k] = stride;
    stride *= shape[k];
  }
  const index = new Array<number>(rank).fill(0);
  const count = elementCount(shape);
  let source = 0;
  for (let target = 0; target < count; target += 1) {
    for (let w = 0; w < width; w += 1) out[target * width + w] = data[source * width + w];
    for (let k = rank - 1; k >= 0; k -= 1) {
      index[k] += 1;
      source += fStride[k];
      if (index[k] < shape[k]) break;
      source -= fStride[k] * shape[k];
      index[k] = 0;
    }
  }
  return out;
}

/** Encodes an array as a .npy file (C order). */
export function encodeNpy(array: NpyArray, where: string): Uint8Array {
  const count = elementCount(array.shape);
  if (array.dtype === 'str') return encodeStrings(array, count, where);
  const width = isComplex(array.dtype) ? 2 : 1;
  if (array.data.length !== count * width) {
    throw new TypeError(
      `${where}: ${array.dtype} data of length ${array.data.length} does not fit shape ` +
        `${describeShape(array.shape)} (expected ${count * width} values${width === 2 ? ', interleaved re/im' : ''})`,
    );
  }
  return new Uint8Array(dump(array.data, array.shape, { dtype: NPYJS_CODES[array.dtype] }));
}

function encodeStrings(array: StringArray, count: number, where: string): Uint8Array {
  if (array.data.length !== count) {
    throw new TypeError(`${where}: ${array.data.length} strings do not fit shape ${describeShape(array.shape)}`);
  }
  const longest = array.data.reduce((max, text) => Math.max(max, text.length), 1);
  return new Uint8Array(dump(array.data, array.shape, { dtype: `U${longest}` }));
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}
