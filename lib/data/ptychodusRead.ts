// Reading a Ptychodus product (probe, object, positions in metres) together with
// Ptychodus diffraction data (patterns, indexes, bad_pixels) as a PtychoDataset; each
// file NPZ or HDF5 (told by its signature; lib/data/hdf5Files.ts reads the HDF5 forms
// into the NPZ forms' keys).
import { fileIsHdf5 } from '../io/hdf5';
import { describeShape, elementCount, isInteger, toFloat64, type NumericArray } from '../io/ndarray';
import { readNpz, type NpzContents } from '../io/npz';
import { checkScanExtent, complexImage, finite, flags } from './arrays';
import type { DatasetOptions } from './contract';
import type { PtychoDataset } from './dataset';
import { readDiffraction } from './diffraction';
import { DatasetError } from './errors';
import { DEFAULT_DIFFRACTION_PATH, readDiffractionHdf5, readPtychodusProductHdf5 } from './hdf5Files';

/** What a Ptychodus product says about geometry and the experiment, kept for writing one back. */
export interface PtychodusMetadata {
  name: string;
  comments: string;
  objectPixelWidthM: number;
  objectPixelHeightM: number;
  objectCenterXM: number;
  objectCenterYM: number;
  probePixelWidthM: number;
  probePixelHeightM: number;
  detectorObjectDistanceM: number;
  probeEnergyEV: number;
  exposureTimeS: number;
}

export interface PtychodusData {
  dataset: PtychoDataset;
  metadata: PtychodusMetadata;
}

class Product {
  constructor(readonly contents: NpzContents) {}

  where(key: string): string {
    return `${this.contents.file}: key '${key}'`;
  }

  array(key: string): NumericArray {
    const array = this.contents.arrays.get(key);
    if (!array || array.dtype === 'str') {
      const present = [...this.contents.arrays.keys()].sort().join(', ');
      throw new DatasetError(
        `${this.contents.file} is not a Ptychodus product: no numeric key '${key}'; keys present: ${present}`,
      );
    }
    return array;
  }

  scalar(key: string): number {
    const values = toFloat64(this.array(key));
    if (values.length !== 1 || !Number.isFinite(values[0])) {
      throw new DatasetError(`${this.where(key)} must hold one finite number, got ${Array.from(values)}`);
    }
    return values[0];
  }

  text(key: string): string {
    const array = this.contents.arrays.get(key);
    return array?.dtype === 'str' ? array.data.join('') : '';
  }
}

/**
 * Ptychodus stores detector counts, so `inputKind` defaults to 'counts' here. An HDF5
 * diffraction file's stack is read from `options.diffractionPath` (default entry/data/data).
 * Positions become object pixels: x_px = (x_m − center_x) / dx + width / 2.
 */
export async function readPtychodus(
  productFile: string,
  diffractionFile: string,
  options: DatasetOptions = {},
): Promise<PtychodusData> {
  const product = new Product(
    (await fileIsHdf5(productFile)) ? await readPtychodusProductHdf5(productFile) : await readNpz(productFile),
  );
  const diffractionIsHdf5 = await fileIsHdf5(diffractionFile);
  const diffractionPath = options.diffractionPath ?? DEFAULT_DIFFRACTION_PATH;
  const patterns = diffractionIsHdf5
    ? await readDiffractionHdf5(diffractionFile, diffractionPath, options)
    : await readNpz(diffractionFile, { keys: ['patterns', 'indexes', 'bad_pixels'] });
  const notes: string[] = [];

  const object = firstSlice(product.array('object'), 2, product.where('object'), notes);
  const [H, W] = object.shape;
  const metadata: PtychodusMetadata = {
    name: product.text('name'),
    comments: product.text('comments'),
    objectPixelWidthM: positive(product.scalar('object_pixel_width_m'), product.where('object_pixel_width_m')),
    objectPixelHeightM: positive(product.scalar('object_pixel_height_m'), product.where('object_pixel_height_m')),
    objectCenterXM: product.scalar('object_center_x_m'),
    objectCenterYM: product.scalar('object_center_y_m'),
    probePixelWidthM: product.scalar('probe_pixel_width_m'),
    probePixelHeightM: product.scalar('probe_pixel_height_m'),
    detectorObjectDistanceM: product.scalar('detector_object_distance_m'),
    probeEnergyEV: product.scalar('probe_energy_eV'),
    exposureTimeS: product.scalar('exposure_time_s'),
  };
  const indexes = integerVector(product.array('probe_position_indexes'), product.where('probe_position_indexes'));
  const xm = finite(toFloat64(product.array('probe_position_x_m')), product.where('probe_position_x_m'));
  const ym = finite(toFloat64(product.array('probe_position_y_m')), product.where('probe_position_y_m'));
  if (xm.length !== indexes.length || ym.length !== indexes.length) {
    throw new DatasetError(
      `${productFile}: probe_position_indexes, _x_m and _y_m have ${indexes.length}, ${xm.length} and ` +
        `${ym.length} entries; they must match`,
    );
  }
  const xcoords = xm.map((x) => (x - metadata.objectCenterXM) / metadata.objectPixelWidthM + W / 2);
  const ycoords = ym.map((y) => (y - metadata.objectCenterYM) / metadata.objectPixelHeightM + H / 2);

  const where = diffractionIsHdf5
    ? `${diffractionFile}: dataset '${diffractionPath}'`
    : `${diffractionFile}: key 'patterns'`;
  const stack = patterns.arrays.get('patterns');
  if (!stack || stack.dtype === 'str' || stack.shape.length !== 3) {
    throw new DatasetError(
      `${diffractionFile} is not a Ptychodus diffraction file: it needs 'patterns' (count, H, W); ` +
        `keys present: ${[...patterns.arrays.keys()].sort().join(', ')}`,
    );
  }
  const patternIndexes = patterns.arrays.has('indexes')
    ? integerVector(patterns.arrays.get('indexes') as NumericArray, `${diffractionFile}: key 'indexes'`)
    : Array.from({ length: stack.shape[0] }, (_, i) => i);
  const ordered = inPositionOrder(stack, patternIndexes, indexes, where, notes);
  const mask = patterns.arrays.get('bad_pixels');
  const diffraction = readDiffraction(
    ordered,
    where,
    indexes.length,
    { ...options, inputKind: options.inputKind ?? 'counts', layout: 'MNN' },
    options.badPixels
      ? { data: flags(options.badPixels), shape: options.badPixels.shape, where: 'badPixels option' }
      : mask && mask.dtype !== 'str'
        ? { data: flags(mask), shape: mask.shape, where: `${diffractionFile}: key 'bad_pixels'` }
        : undefined,
  );
  const N = diffraction.amplitude.shape[1];
  const probe = firstSlice(product.array('probe'), 2, product.where('probe'), notes);
  const dataset: PtychoDataset = {
    diffraction: diffraction.amplitude,
    probeGuess: complexImage(probe, product.where('probe'), [N, N]),
    objectGuess: complexImage(object, product.where('object'), undefined, N),
    xcoords,
    ycoords,
    scanIndex: Int32Array.from(indexes),
    badPixels: diffraction.badPixels,
    nphotons: options.nphotons ?? diffraction.measuredPhotons,
    notes: [...notes, ...diffraction.notes],
  };
  checkScanExtent(
    { x: xcoords, y: ycoords, where: `${productFile}: probe positions` },
    N,
    dataset.objectGuess && { shape: dataset.objectGuess.shape, where: "the product's object" },
  );
  return { dataset, metadata };
}

/** The first probe mode / object layer of a stacked array, e.g. (1, 1, H, W) → (H, W). */
function firstSlice(array: NumericArray, rank: number, where: string, notes: string[]): NumericArray {
  if (array.shape.length < rank) {
    throw new DatasetError(`${where} has shape ${describeShape(array.shape)}; expected at least ${rank} dimensions`);
  }
  const lead = array.shape.slice(0, -rank);
  const shape = array.shape.slice(-rank);
  if (elementCount(lead) > 1) notes.push(`${where}: ${describeShape(array.shape)}; only the first mode/layer is used`);
  const width = array.dtype.startsWith('complex') ? 2 : 1;
  return { ...array, shape, data: array.data.subarray(0, elementCount(shape) * width) } as NumericArray;
}

function integerVector(array: NumericArray, where: string): number[] {
  if (!isInteger(array.dtype) || array.shape.length !== 1) {
    throw new DatasetError(
      `${where} has dtype ${array.dtype} and shape ${describeShape(array.shape)}; expected an integer vector`,
    );
  }
  return Array.from(toFloat64(array));
}

function positive(value: number, where: string): number {
  if (!(value > 0)) throw new DatasetError(`${where} must be positive, got ${value}`);
  return value;
}

/** The patterns reordered to follow the product's positions; unused patterns are dropped. */
function inPositionOrder(
  stack: NumericArray,
  patternIndexes: number[],
  positionIndexes: number[],
  where: string,
  notes: string[],
): NumericArray {
  if (patternIndexes.length !== stack.shape[0]) {
    throw new DatasetError(`${where}: ${stack.shape[0]} patterns but ${patternIndexes.length} indexes`);
  }
  const slot = new Map(patternIndexes.map((index, row) => [index, row]));
  const rows = positionIndexes.map((index, k) => {
    const row = slot.get(index);
    if (row === undefined) {
      throw new DatasetError(
        `${where}: the product's position ${k} has pattern index ${index}, which the diffraction file does not hold`,
      );
    }
    return row;
  });
  if (rows.length === stack.shape[0] && rows.every((row, k) => row === k)) return stack;
  if (rows.length < stack.shape[0]) {
    notes.push(`${where}: ${stack.shape[0] - rows.length} pattern(s) without a position were dropped`);
  }
  const frame = stack.shape[1] * stack.shape[2];
  const Ctor = stack.data.constructor as new (length: number) => typeof stack.data;
  const data = new Ctor(rows.length * frame);
  rows.forEach((row, k) =>
    (data as Uint8Array).set((stack.data as Uint8Array).subarray(row * frame, (row + 1) * frame), k * frame),
  );
  return { ...stack, shape: [rows.length, stack.shape[1], stack.shape[2]], data } as NumericArray;
}
