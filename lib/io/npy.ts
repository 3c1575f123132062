// .npy encoding and decoding. npyjs writes; reading is ours: the header is parsed
// and the declared shape checked against the bytes actually present before any
// array is built, and numeric data are typed-array views of the member buffer.
import { dump, float16ToFloat32, type DType as NpyjsDType } from 'npyjs';

import {
  describeShape,
  elementCount,
  isComplex,
  type NpyArray,
  type NumericArray,
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

interface NumericCode {
  dtype: NumericDType;
  /** Bytes of one stored value (complex numbers are two values, re and im). */
  bytesPerValue: number;
  /** `length` values starting at byte `offset` of `buffer`. */
  read: (buffer: ArrayBuffer, offset: number, length: number) => NumericData;
}

const CODES: Record<string, NumericCode> = {
  b1: {
    dtype: 'bool',
    bytesPerValue: 1,
    read: (b, o, n) => Uint8Array.from(new Uint8Array(b, o, n), (v) => (v ? 1 : 0)),
  },
  i1: { dtype: 'int8', bytesPerValue: 1, read: (b, o, n) => new Int8Array(b, o, n) },
  u1: { dtype: 'uint8', bytesPerValue: 1, read: (b, o, n) => new Uint8Array(b, o, n) },
  i2: { dtype: 'int16', bytesPerValue: 2, read: (b, o, n) => new Int16Array(b, o, n) },
  u2: { dtype: 'uint16', bytesPerValue: 2, read: (b, o, n) => new Uint16Array(b, o, n) },
  i4: { dtype: 'int32', bytesPerValue: 4, read: (b, o, n) => new Int32Array(b, o, n) },
  u4: { dtype: 'uint32', bytesPerValue: 4, read: (b, o, n) => new Uint32Array(b, o, n) },
  i8: { dtype: 'int64', bytesPerValue: 8, read: (b, o, n) => new BigInt64Array(b, o, n) },
  u8: { dtype: 'uint64', bytesPerValue: 8, read: (b, o, n) => new BigUint64Array(b, o, n) },
  // float16 is widened to float32.
  f2: {
    dtype: 'float32',
    bytesPerValue: 2,
    read: (b, o, n) => Float32Array.from(new Uint16Array(b, o, n), (v) => float16ToFloat32(v)),
  },
  f4: { dtype: 'float32', bytesPerValue: 4, read: (b, o, n) => new Float32Array(b, o, n) },
  f8: { dtype: 'float64', bytesPerValue: 8, read: (b, o, n) => new Float64Array(b, o, n) },
  c8: { dtype: 'complex64', bytesPerValue: 4, read: (b, o, n) => new Float32Array(b, o, n) },
  c16: { dtype: 'complex128', bytesPerValue: 8, read: (b, o, n) => new Float64Array(b, o, n) },
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
  shape: number[];
  fortranOrder: boolean;
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
  // JSON quoting: a damaged header may hold control characters.
  const malformed = () =>
    new NpyFormatError(`${where} has a malformed .npy header: ${JSON.stringify(header.trim().slice(0, 200))}`);
  const structured = /'descr'\s*:\s*\[/.test(header);
  const descr = structured ? '[structured]' : /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || shapeText === undefined) throw malformed();
  const sizes = shapeText
    .split(',')
    .map((size) => size.trim())
    .filter(Boolean);
  // Python 2 wrote long integers with an L suffix.
  if (!sizes.every((size) => /^\d+L?$/.test(size))) throw malformed();
  const shape = sizes.map((size) => Number.parseInt(size, 10));
  if (!shape.every(Number.isSafeInteger)) throw malformed();
  return { descr, dataOffset, shape, fortranOrder: /'fortran_order'\s*:\s*True/.test(header) };
}

/** Bytes per element of a numeric descriptor ('<f4': 4, '<c8': 8); undefined for others. */
export function npyItemSize(descr: string): number | undefined {
  const code = CODES[descr.replace(/^[<|=]/, '')];
  if (!code || descr.startsWith('>')) return undefined;
  return code.bytesPerValue * (isComplex(code.dtype) ? 2 : 1);
}

/** Whether a descriptor denotes a pickled Python object array. */
export function isObjectDescr(descr: string): boolean {
  return /^[|<>=]?O\d*$/.test(descr);
}

/**
 * Decodes a whole .npy file held in `buffer` (which must start at the file's first
 * byte). Numeric data are views into `buffer`, not copies, except for Fortran-order,
 * bool and float16 arrays. A shape that needs more bytes than `buffer` holds is
 * refused before anything is allocated.
 */
export function decodeNpy(buffer: ArrayBuffer, where: string): NpyArray {
  const header = readNpyHeader(new Uint8Array(buffer), where);
  if (!header) throw new NpyFormatError(`${where} is truncated: it ends inside its .npy header`);
  return decodeNpyData(header, buffer, where);
}

/**
 * The array `header` describes, its data at `header.dataOffset` in `buffer`: a whole
 * .npy file, or a slice of one read on its own with the header's shape changed to it.
 */
export function decodeNpyData(header: NpyHeader, buffer: ArrayBuffer, where: string): NpyArray {
  const { descr, shape, dataOffset } = header;
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
  const chars = /^U(\d+)$/.exec(code)?.[1];
  if (!(code in CODES) && (chars === undefined || Number(chars) === 0)) {
    throw new NpyFormatError(`${where} has dtype ${descr}, which ptychopinn does not read`);
  }
  if (dataOffset % 8 !== 0) {
    throw new NpyFormatError(`${where}: its data start at byte ${dataOffset}, not 8-aligned; re-save it with numpy`);
  }
  const count = elementCount(shape);
  const available = buffer.byteLength - dataOffset;
  if (chars !== undefined) {
    const strings = readStrings(buffer, dataOffset, count, Number(chars), shape, where);
    return orderC(strings, shape, header.fortranOrder, 'str');
  }
  const { dtype, bytesPerValue, read } = CODES[code];
  const values = count * (isComplex(dtype) ? 2 : 1);
  checkSize(values, bytesPerValue, available, shape, where);
  return orderC(read(buffer, dataOffset, values), shape, header.fortranOrder, dtype);
}

/**
 * Refuses a declared shape the data cannot hold. Bytes past the array (padding
 * some writers leave) are not part of it.
 */
function checkSize(values: number, bytesPerValue: number, available: number, shape: number[], where: string): void {
  const held = Math.floor(available / bytesPerValue);
  if (values > held) {
    throw new NpyFormatError(
      `${where} is truncated: shape ${describeShape(shape)} needs ${values} values, the file holds ${held}`,
    );
  }
}

/** NumPy unicode: `chars` UTF-32 code units per string, padded with trailing NULs. */
function readStrings(
  buffer: ArrayBuffer,
  offset: number,
  count: number,
  chars: number,
  shape: number[],
  where: string,
): string[] {
  checkSize(count, 4 * chars, buffer.byteLength - offset, shape, where);
  const codes = new Uint32Array(buffer, offset, count * chars);
  const strings = new Array<string>(count);
  for (let i = 0; i < count; i += 1) {
    let end = (i + 1) * chars;
    while (end > i * chars && codes[end - 1] === 0) end -= 1;
    let text = '';
    for (let k = i * chars; k < end; k += 1) {
      if (codes[k] > 0x10ffff) {
        throw new NpyFormatError(`${where}: string ${i} holds ${codes[k]}, which is not a Unicode code point`);
      }
      text += String.fromCodePoint(codes[k]);
    }
    strings[i] = text;
  }
  return strings;
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

const ONE_BYTE = new Set(['bool', 'int8', 'uint8']);

/**
 * The .npy header (format 1.0) of a numeric array, for writers that send its data
 * from where it lies. The header is padded so that the data start 64-byte aligned.
 */
export function encodeNpyHeader(array: NumericArray, where: string): Uint8Array {
  const width = isComplex(array.dtype) ? 2 : 1;
  if (array.data.length !== elementCount(array.shape) * width) {
    throw new TypeError(
      `${where}: ${array.dtype} data of length ${array.data.length} does not fit shape ${describeShape(array.shape)}`,
    );
  }
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  const dict = `{'descr': '${ONE_BYTE.has(array.dtype) ? '|' : '<'}${NPYJS_CODES[array.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = MAGIC.length + 4 + dict.length + 1;
  const text = `${dict}${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  if (text.length > 0xffff)
    throw new TypeError(`${where}: shape ${describeShape(array.shape)} makes too long a header`);
  const bytes = new Uint8Array(MAGIC.length + 4 + text.length);
  bytes.set(MAGIC);
  bytes.set([1, 0, text.length & 0xff, text.length >> 8], MAGIC.length);
  bytes.set(Buffer.from(text, 'latin1'), MAGIC.length + 4);
  return bytes;
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
