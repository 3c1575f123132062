// HDF5 through h5wasm (the HDF5 C library compiled to WebAssembly: no native build).
// h5wasm is an ES module only, so it is imported dynamically, once; files are opened
// by path on the real filesystem (its Node build mounts it). Errors name the file
// and the dataset path.
import fs from 'node:fs/promises';
import type * as H5 from 'h5wasm';

import type { NumericArray, NumericData, NumericDType } from './ndarray';

export class Hdf5Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Hdf5Error';
  }
}

export type H5Module = typeof H5;
export type H5File = H5.File;
export type H5Dataset = H5.Dataset;
export type H5Group = H5.Group;

// TypeScript compiles import() to require() under CommonJS, which cannot load an ES
// module: a function made at run time keeps Node's own import().
const nativeImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;
let loaded: Promise<H5Module> | undefined;

async function importModule(specifier: string): Promise<unknown> {
  try {
    return await nativeImport(specifier);
  } catch (error) {
    // A module runner (vitest's) has no import() for such functions, but its own import() loads ES modules.
    if (error instanceof TypeError && /dynamic import callback/.test(error.message)) return import(specifier);
    throw error;
  }
}

export function h5wasm(): Promise<H5Module> {
  loaded ??= importModule('h5wasm/node').then(async (module) => {
    const h5 = ((module as { default?: H5Module }).default ?? module) as H5Module;
    await h5.ready;
    return h5;
  });
  return loaded;
}

/** HDF5 files begin with this signature (at offset 0 for every file ptychopinn reads). */
export function isHdf5(head: Uint8Array): boolean {
  const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  return head.length >= 8 && signature.every((byte, i) => head[i] === byte);
}

/** Opens `file` for reading; a missing or non-HDF5 file is an Hdf5Error naming it. */
export async function openHdf5(file: string, mode: 'r' | 'w' = 'r'): Promise<H5File> {
  const h5 = await h5wasm();
  let opened: H5File;
  try {
    opened = new h5.File(file, mode);
  } catch (error) {
    throw new Hdf5Error(`${file} cannot be opened as HDF5 (${(error as Error).message ?? String(error)})`);
  }
  // h5wasm may report a failed open as a file id that is not positive rather than throwing.
  if (!(opened.file_id > 0n)) throw new Hdf5Error(`${file} cannot be opened as HDF5: not an HDF5 file, or unreadable`);
  return opened;
}

/** The dataset at `path`, or an Hdf5Error naming the file, the path and what is there. */
export function requireDataset(file: H5File, path: string, what = 'a dataset'): H5Dataset {
  let entity: unknown;
  try {
    entity = file.get(path);
  } catch {
    entity = undefined;
  }
  if (!entity || (entity as { type?: string }).type !== 'Dataset') {
    const found = entity ? `a ${(entity as { type?: string }).type ?? 'non-dataset'}` : 'nothing';
    throw new Hdf5Error(`${file.filename}: dataset '${path}' (${what}) is missing: found ${found} there`);
  }
  return entity as H5Dataset;
}

const INTEGER_TYPES: Record<string, { dtype: NumericDType; Array: TypedArrayType }> = {
  '1s': { dtype: 'int8', Array: Int8Array },
  '1u': { dtype: 'uint8', Array: Uint8Array },
  '2s': { dtype: 'int16', Array: Int16Array },
  '2u': { dtype: 'uint16', Array: Uint16Array },
  '4s': { dtype: 'int32', Array: Int32Array },
  '4u': { dtype: 'uint32', Array: Uint32Array },
  '8s': { dtype: 'int64', Array: BigInt64Array },
  '8u': { dtype: 'uint64', Array: BigUint64Array },
};
type TypedArrayType = new (length: number) => NumericData;

/** h5wasm's type classes. */
const INTEGER = 0;
const FLOAT = 1;
const COMPOUND = 6;

/** The NumPy-style dtype of a dataset: integers, floats, and complex as h5py stores it (compound r, i). */
function numericType(dataset: H5Dataset, where: string): { dtype: NumericDType; Array: TypedArrayType } {
  const { type, size, signed } = dataset.metadata;
  if (type === INTEGER && INTEGER_TYPES[`${size}${signed ? 's' : 'u'}`])
    return INTEGER_TYPES[`${size}${signed ? 's' : 'u'}`];
  if (type === FLOAT && size === 4) return { dtype: 'float32', Array: Float32Array };
  if (type === FLOAT && size === 8) return { dtype: 'float64', Array: Float64Array };
  const members = dataset.metadata.compound_type?.members;
  if (type === COMPOUND && members?.length === 2 && members[0].name === 'r' && members[1].name === 'i') {
    if (size === 8) return { dtype: 'complex64', Array: Float32Array };
    if (size === 16) return { dtype: 'complex128', Array: Float64Array };
  }
  throw new Hdf5Error(
    `${where} has dtype ${JSON.stringify(dataset.dtype)}; a numeric dtype is needed ` +
      '(integer, float32/float64, or complex as h5py writes it)',
  );
}

export interface ReadArrayOptions {
  /** The rank the caller needs; another is an error naming the dataset. */
  rank?: number;
  /** Read the leading axis this many rows at a time (one chunk's worth of memory beyond the result). */
  rowsPerRead?: number;
}

/**
 * A numeric dataset as an array in C order (complex interleaved), read into one
 * preallocated typed array, `rowsPerRead` rows of the leading axis at a time.
 */
export function readArray(file: H5File, path: string, options: ReadArrayOptions = {}): NumericArray {
  const dataset = checkedDataset(file, path, options.rank);
  const rows = dataset.shape?.[0] ?? 1;
  return readRows(file, path, 0, rows, options.rowsPerRead ?? rows);
}

/** Rows [start, start + count) of the leading axis (a scalar: its one value), `rowsPerRead` at a time. */
export function readRows(file: H5File, path: string, start: number, count: number, rowsPerRead = count): NumericArray {
  const dataset = checkedDataset(file, path);
  const where = `${file.filename}: dataset '${path}'`;
  const shape = dataset.shape ?? [];
  const { dtype, Array } = numericType(dataset, where);
  const width = dtype.startsWith('complex') ? 2 : 1;
  const rowLength = shape.slice(1).reduce((a, b) => a * b, 1) * width;
  const data = new Array(count * rowLength);
  if (shape.length === 0) {
    fill(data, 0, [dataset.value], width);
    return { dtype, shape, data };
  }
  const step = Math.max(1, rowsPerRead);
  for (let first = start; first < start + count; first += step) {
    const last = Math.min(start + count, first + step);
    fill(data, (first - start) * rowLength, dataset.slice([[first, last]]) as unknown as ArrayLike<unknown>, width);
  }
  return { dtype, shape: [count, ...shape.slice(1)], data };
}

/** The dataset at `path`, of `rank` when given (else an error naming file, path and shape). */
export function checkedDataset(file: H5File, path: string, rank?: number): H5Dataset {
  const dataset = requireDataset(file, path);
  const shape = dataset.shape ?? [];
  if (rank !== undefined && shape.length !== rank) {
    throw new Hdf5Error(
      `${file.filename}: dataset '${path}' has rank ${shape.length} (shape [${shape}]); rank ${rank} is needed`,
    );
  }
  return dataset;
}

/** Copies h5wasm's values (a typed array, numbers, or [r, i] pairs for complex) into `data` at `offset`. */
function fill(data: NumericData, offset: number, values: ArrayLike<unknown>, width: number): void {
  if (width === 1 && ArrayBuffer.isView(values)) {
    (data as Float64Array).set(values as unknown as Float64Array, offset);
    return;
  }
  const out = data as Float64Array;
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (width === 2) {
      const [re, im] = value as [number, number];
      out[offset + 2 * i] = re;
      out[offset + 2 * i + 1] = im;
    } else (out as unknown as Array<unknown>)[offset + i] = value;
  }
}

/** A number-valued attribute of the file (`path` '/') or of a dataset, or an error naming both. */
export function numberAttribute(file: H5File, path: string, name: string): number {
  const holder = path === '/' ? file : requireDataset(file, path);
  const attribute = (holder.attrs as Record<string, { value: unknown } | undefined>)[name];
  const value = Number(Array.isArray(attribute?.value) ? attribute.value[0] : attribute?.value);
  if (!attribute || !Number.isFinite(value)) {
    const on = path === '/' ? 'the file' : `dataset '${path}'`;
    throw new Hdf5Error(
      `${file.filename}: attribute '${name}' of ${on} is ${attribute ? String(attribute.value) : 'missing'}; a number is needed`,
    );
  }
  return value;
}

/** A text attribute of the file, or '' when absent. */
export function textAttribute(file: H5File, name: string): string {
  const attribute = (file.attrs as Record<string, { value: unknown } | undefined>)[name];
  return attribute === undefined ? '' : String(attribute.value);
}

/** Whether `file` starts with the HDF5 signature; false when it cannot be read (the caller's reader says why). */
export async function fileIsHdf5(file: string): Promise<boolean> {
  const head = new Uint8Array(8);
  try {
    const handle = await fs.open(file, 'r');
    try {
      await handle.read(head, 0, 8, 0);
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
  return isHdf5(head);
}

/** Writes h5py's complex layout (compound r, i) from interleaved float32 data. */
export function createComplexDataset(group: H5Group, name: string, shape: number[], data: Float32Array): H5Dataset {
  const re = new Float32Array(data.length / 2);
  const im = new Float32Array(data.length / 2);
  for (let i = 0; i < re.length; i += 1) {
    re[i] = data[2 * i];
    im[i] = data[2 * i + 1];
  }
  const columns = new Map<string, Float32Array>([
    ['r', re],
    ['i', im],
  ]);
  return group.create_dataset({
    name,
    data: columns as never,
    shape,
    dtype: [
      ['r', '<f'],
      ['i', '<f'],
    ] as never,
  });
}
