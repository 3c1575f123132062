// Datasets and Ptychodus files in HDF5, read into the same arrays as their NPZ forms
// (so one set of checks serves both): the dataset contract's keys as root datasets,
// a Ptychodus product (its H5ProductFileIO layout: metadata as attributes) and
// diffraction patterns at a configurable dataset path (NeXus `entry/data/data` by
// default). Pattern stacks are read a block of patterns at a time.
import type { NpyArray, NumericArray } from '../io/ndarray';
import type { NpzContents } from '../io/npz';
import { type H5File, numberAttribute, openHdf5, readArray, textAttribute } from '../io/hdf5';

/** Where diffraction patterns are in an HDF5 file unless told otherwise: NeXus' NXdata default. */
export const DEFAULT_DIFFRACTION_PATH = 'entry/data/data';
/** Patterns per read: 256 of 512² float32 are 256 MiB. */
export const DEFAULT_PATTERNS_PER_READ = 256;

export interface Hdf5ReadOptions {
  /** Patterns read at a time from a stack (default 256). */
  patternsPerRead?: number;
}

async function withFile<T>(file: string, read: (h5: H5File) => T): Promise<T> {
  const h5 = await openHdf5(file);
  try {
    return read(h5);
  } finally {
    h5.close();
  }
}

/** The contract's keys present at the file's root. */
export function readContractHdf5(
  file: string,
  keys: readonly string[],
  options: Hdf5ReadOptions = {},
): Promise<NpzContents> {
  return withFile(file, (h5) => {
    const present = new Set(h5.keys());
    const arrays = new Map<string, NpyArray>();
    for (const key of keys) {
      if (!present.has(key)) continue;
      const stack = key === 'diff3d' || key === 'diffraction' || key === 'Y';
      arrays.set(
        key,
        readArray(h5, key, stack ? { rowsPerRead: options.patternsPerRead ?? DEFAULT_PATTERNS_PER_READ } : {}),
      );
    }
    return { file, arrays, skipped: [] };
  });
}

const scalar = (value: number): NumericArray => ({ dtype: 'float64', shape: [], data: Float64Array.of(value) });
const text = (value: string): NpyArray => ({ dtype: 'str', shape: [], data: [value] });

/** A Ptychodus HDF5 product under the key names of its NPZ form. */
export function readPtychodusProductHdf5(file: string): Promise<NpzContents> {
  return withFile(file, (h5) => {
    const arrays = new Map<string, NpyArray>([
      ['name', text(textAttribute(h5, 'name'))],
      ['comments', text(textAttribute(h5, 'comments'))],
      ['probe_position_indexes', readArray(h5, 'probe_position_indexes', { rank: 1 })],
      ['probe_position_x_m', readArray(h5, 'probe_position_x_m', { rank: 1 })],
      ['probe_position_y_m', readArray(h5, 'probe_position_y_m', { rank: 1 })],
      ['probe', readArray(h5, 'probe')],
      ['probe_pixel_width_m', scalar(numberAttribute(h5, 'probe', 'pixel_width_m'))],
      ['probe_pixel_height_m', scalar(numberAttribute(h5, 'probe', 'pixel_height_m'))],
      ['object', readArray(h5, 'object')],
      ['object_center_x_m', scalar(numberAttribute(h5, 'object', 'center_x_m'))],
      ['object_center_y_m', scalar(numberAttribute(h5, 'object', 'center_y_m'))],
      ['object_pixel_width_m', scalar(numberAttribute(h5, 'object', 'pixel_width_m'))],
      ['object_pixel_height_m', scalar(numberAttribute(h5, 'object', 'pixel_height_m'))],
      ['detector_object_distance_m', scalar(numberAttribute(h5, '/', 'detector_object_distance_m'))],
      ['probe_energy_eV', scalar(numberAttribute(h5, '/', 'probe_energy_eV'))],
      ['exposure_time_s', scalar(numberAttribute(h5, '/', 'exposure_time_s'))],
    ]);
    return { file, arrays, skipped: [] };
  });
}

/** A stack of patterns (count, H, W) at `path`, as key 'patterns'. */
export function readDiffractionHdf5(
  file: string,
  path = DEFAULT_DIFFRACTION_PATH,
  options: Hdf5ReadOptions = {},
): Promise<NpzContents> {
  return withFile(file, (h5) => {
    const patterns = readArray(h5, path, {
      rank: 3,
      rowsPerRead: options.patternsPerRead ?? DEFAULT_PATTERNS_PER_READ,
    });
    return { file, arrays: new Map<string, NpyArray>([['patterns', patterns]]), skipped: [] };
  });
}
