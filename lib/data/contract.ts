// Checks and converts the arrays of an NPZ into a PtychoDataset (reference §7).
import {
  describeShape,
  elementCount,
  isInteger,
  toComplex64,
  toFloat64,
  type NumericArray,
  type NpyArray,
} from '../io/ndarray';
import type { NpzContents } from '../io/npz';
import { checkScanExtent, complexImage, finite, flags, positions, sameLength } from './arrays';
import type { PtychoDataset } from './dataset';
import { objectPixelGrowth, probeForFrames, type FrameChange } from './detectorGeometry';
import { readDiffraction, type DiffractionOptions } from './diffraction';
import { DatasetError } from './errors';
import { fromTikeLayout, isTikeLayout, TIKE_KEYS } from './tikeLayout';

export interface DatasetOptions extends DiffractionOptions {
  /** Mean photons per pattern; overrides the file's `nphotons` and the value measured from counts. */
  nphotons?: number;
  /** Detector bad-pixel mask (H, W), nonzero = bad; replaces a `bad_pixels` key. */
  badPixels?: NumericArray;
  /** HDF5: the dataset holding the diffraction stack of a Ptychodus diffraction file (default `entry/data/data`). */
  diffractionPath?: string;
  /** HDF5: patterns read at a time (default 256), so a large stack is never read in one piece. */
  patternsPerRead?: number;
}

/** Every key the contract reads; anything else in a file is left unread. */
export const DATASET_KEYS = [
  'diff3d',
  'diffraction',
  'probeGuess',
  'xcoords',
  'ycoords',
  'xcoords_start',
  'ycoords_start',
  'objectGuess',
  'Y',
  'scan_index',
  'bad_pixels',
  'nphotons',
  ...TIKE_KEYS,
] as const;

const DESCRIPTIONS: Record<string, string> = {
  diff3d: "the diffraction amplitudes (M, N, N) ('diff3d' or 'diffraction')",
  probeGuess: 'the probe, complex (N, N)',
  xcoords: 'the x (column) positions (M,)',
  ycoords: 'the y (row) positions (M,)',
};

class Keys {
  constructor(private readonly contents: NpzContents) {}

  where(key: string): string {
    return `${this.contents.file}: key '${key}'`;
  }

  optional(key: string): NumericArray | undefined {
    const array = this.contents.arrays.get(key);
    if (!array) {
      const skipped = this.contents.skipped.find((member) => member.key === key && member.kind === 'object');
      if (skipped) {
        throw new DatasetError(
          `${this.where(key)} is stored as a pickled object array, which ptychopinn never unpickles; ` +
            `re-save it as a numeric array, e.g. np.savez(..., ${key}=np.asarray(value, dtype=np.complex64 or np.float64))`,
        );
      }
      return undefined;
    }
    return numeric(array, this.where(key));
  }

  required(key: string): NumericArray {
    const array = this.optional(key);
    if (!array) {
      const present = [...this.contents.arrays.keys(), ...this.contents.skipped.map((member) => member.key)];
      const list = present.sort().join(', ') || '(none)';
      throw new DatasetError(`${this.contents.file} has no key '${key}' (${DESCRIPTIONS[key]}); keys present: ${list}`);
    }
    return array;
  }
}

function numeric(array: NpyArray, where: string): NumericArray {
  if (array.dtype === 'str') throw new DatasetError(`${where} is a string array; a numeric array is needed`);
  return array;
}

export function datasetFromArrays(stored: NpzContents, options: DatasetOptions = {}): PtychoDataset {
  const tike = isTikeLayout(stored) ? fromTikeLayout(stored) : undefined;
  const contents = tike?.contents ?? stored;
  if (tike) options = { inputKind: 'counts', ...options };
  const keys = new Keys(contents);
  const notes = [...contents.skipped.map((member) => member.note), ...(tike?.notes ?? [])];

  let xcoords = positions(keys.required('xcoords'), keys.where('xcoords'));
  let ycoords = positions(keys.required('ycoords'), keys.where('ycoords'));
  if (xcoords.length !== ycoords.length) {
    throw new DatasetError(
      `${contents.file}: xcoords has ${xcoords.length} positions but ycoords has ${ycoords.length}; they must match`,
    );
  }
  const M = xcoords.length;
  if (M === 0) {
    throw new DatasetError(`${contents.file}: xcoords and ycoords are empty, so the dataset has no patterns to use`);
  }

  const has = (key: string) =>
    contents.arrays.has(key) || contents.skipped.some((member) => member.key === key && member.kind === 'object');
  const diffKey = has('diff3d') || !has('diffraction') ? 'diff3d' : 'diffraction';
  if (diffKey === 'diff3d' && has('diffraction')) {
    notes.push(`${contents.file}: both 'diff3d' and 'diffraction' present; 'diff3d' used`);
  }
  const maskSource = options.badPixels
    ? { array: options.badPixels, where: 'badPixels option' }
    : optionalMask(keys.optional('bad_pixels'), keys.where('bad_pixels'));
  const diffraction = readDiffraction(
    keys.required(diffKey),
    keys.where(diffKey),
    M,
    options,
    maskSource && { data: flags(maskSource.array), shape: maskSource.array.shape, where: maskSource.where },
  );
  notes.push(...diffraction.notes);
  const N = diffraction.amplitude.shape[1];
  const { frames } = diffraction;
  const growth = objectPixelGrowth(frames);
  const coarser = (coords: Float64Array) => (growth === 1 ? coords : coords.map((c) => c / growth));
  xcoords = coarser(xcoords);
  ycoords = coarser(ycoords);
  if (growth !== 1) {
    notes.push(`${contents.file}: positions divided by ${growth}, the object pixel of the cropped frames`);
  }

  const dataset: PtychoDataset = {
    diffraction: diffraction.amplitude,
    probeGuess: readProbe(keys, frames, N, notes),
    xcoords,
    ycoords,
    badPixels: diffraction.badPixels,
    notes,
  };
  for (const [key, field] of [
    ['xcoords_start', 'xcoordsStart'],
    ['ycoords_start', 'ycoordsStart'],
  ] as const) {
    const array = keys.optional(key);
    if (array) dataset[field] = coarser(sameLength(positions(array, keys.where(key)), M, keys.where(key)));
  }
  const object = keys.optional('objectGuess');
  if (object && growth !== 1) {
    notes.push(`${keys.where('objectGuess')}: dropped (the cropped frames image a coarser object grid)`);
  } else if (object) {
    dataset.objectGuess = complexImage(object, keys.where('objectGuess'), undefined, N);
  }
  checkScanExtent(
    { x: xcoords, y: ycoords, where: `${contents.file}: xcoords/ycoords` },
    N,
    dataset.objectGuess && { shape: dataset.objectGuess.shape, where: 'objectGuess' },
  );
  const Y = keys.optional('Y');
  if (Y) {
    const shape = Y.shape.length === 4 && Y.shape[3] === 1 ? Y.shape.slice(0, 3) : Y.shape;
    if (shape.length === 3 && shape[0] === M && shape[1] === N && shape[2] === N) {
      dataset.Y = { dtype: 'complex64', shape, data: finite(toComplex64(Y), keys.where('Y')) };
    } else if (shape.length === 3 && shape[0] === M && (options.cropTo !== undefined || options.bin !== undefined)) {
      notes.push(
        `${keys.where('Y')}: ground-truth patches ${describeShape(Y.shape)} dropped (frames were cropped/binned)`,
      );
    } else {
      throw new DatasetError(`${keys.where('Y')} has shape ${describeShape(Y.shape)}; expected (${M}, ${N}, ${N})`);
    }
  }
  const scanIndex = keys.optional('scan_index');
  if (scanIndex) dataset.scanIndex = integers(scanIndex, M, keys.where('scan_index'));
  dataset.nphotons = photons(options.nphotons, keys.optional('nphotons'), diffraction.measuredPhotons, keys);
  return dataset;
}

/**
 * The probe on the reconstruction grid: as stored when it has the patterns' size,
 * converted when it has the stored frames' size and those were cropped or binned.
 */
function readProbe(keys: Keys, frames: FrameChange, N: number, notes: string[]): PtychoDataset['probeGuess'] {
  const stored = keys.required('probeGuess');
  const changed = frames.cropTo !== frames.side || frames.bin > 1;
  if (!changed || stored.shape[0] !== frames.side || stored.shape[1] !== frames.side) {
    return complexImage(stored, keys.where('probeGuess'), [N, N]);
  }
  notes.push(`${keys.where('probeGuess')}: resampled from ${frames.side}×${frames.side} to the ${N}×${N} patterns`);
  return probeForFrames(complexImage(stored, keys.where('probeGuess'), [frames.side, frames.side]), frames);
}

function optionalMask(array: NumericArray | undefined, where: string) {
  return array && { array, where };
}

function integers(array: NumericArray, M: number, where: string): Int32Array {
  if (!isInteger(array.dtype) || array.shape.length !== 1 || elementCount(array.shape) !== M) {
    throw new DatasetError(
      `${where} has dtype ${array.dtype} and shape ${describeShape(array.shape)}; expected integers (${M},)`,
    );
  }
  return Int32Array.from(toFloat64(array));
}

function photons(
  given: number | undefined,
  stored: NumericArray | undefined,
  measured: number | undefined,
  keys: Keys,
): number | undefined {
  if (given !== undefined) {
    if (!(given > 0) || !Number.isFinite(given))
      throw new DatasetError(`nphotons must be a positive number, got ${given}`);
    return given;
  }
  if (stored) {
    const value = toFloat64(stored);
    if (value.length !== 1 || !(value[0] > 0) || !Number.isFinite(value[0])) {
      throw new DatasetError(`${keys.where('nphotons')} must be one positive number, got ${Array.from(value)}`);
    }
    return value[0];
  }
  return measured;
}
