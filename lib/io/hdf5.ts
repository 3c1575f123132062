// HDF5 through h5wasm (the HDF5 C library compiled to WebAssembly: no native build).
// h5wasm is an ES module only, so it is imported dynamically, once; files are opened
// by path on the real filesystem (its Node build mounts it). Errors name the file
// and the dataset path.
import type * as H5 from 'h5wasm';

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
  // h5wasm reports a failed open as a file id of 0 rather than throwing.
  if (!opened.file_id) throw new Hdf5Error(`${file} cannot be opened as HDF5: not an HDF5 file, or unreadable`);
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

/** A float dataset's values as float32 with its shape; another type or rank is an error naming it. */
export function readFloat32(file: H5File, dataset: H5Dataset, rank?: number): { shape: number[]; data: Float32Array } {
  const where = `${file.filename}: dataset '${dataset.path}'`;
  const shape = dataset.shape ?? [];
  if (rank !== undefined && shape.length !== rank) {
    throw new Hdf5Error(`${where} has rank ${shape.length} (shape [${shape}]); rank ${rank} is needed`);
  }
  const { type, size } = dataset.metadata;
  // h5wasm's type codes: 0 integer, 1 float.
  if (type !== 1 && type !== 0) {
    throw new Hdf5Error(
      `${where} has dtype ${JSON.stringify(dataset.dtype)}; a real numeric type (float or integer) is needed`,
    );
  }
  const values = dataset.value as ArrayLike<number | bigint>;
  const data = new Float32Array(values.length);
  for (let i = 0; i < values.length; i += 1) data[i] = Number(values[i]);
  if (size > 8) throw new Hdf5Error(`${where} has ${size}-byte elements, which are not read`);
  return { shape, data };
}
