// A scan whose diffraction patterns stay in their file (NPZ, or HDF5 with the
// contract's keys) and are read a slice at a time, so that reconstructing 10⁵
// patterns takes the memory of one slice, not of the scan. Each slice is checked and
// converted by the same contract as a whole file (contract.ts), as a dataset of its
// own; positions, probe and object are read whole.
import { checkedDataset, fileIsHdf5, openHdf5, readRows } from '../io/hdf5';
import type { NumericArray } from '../io/ndarray';
import { decodeNpyData, npyItemSize, readNpyHeader, type NpyHeader } from '../io/npy';
import { readNpz, type NpzContents } from '../io/npz';
import { ZipReader, type StoredMember } from '../io/zipReader';
import { complexImage, positions } from './arrays';
import { datasetFromArrays, DATASET_KEYS, type DatasetOptions } from './contract';
import { patternSize, type PtychoDataset } from './dataset';
import { objectPixelGrowth } from './detectorGeometry';
import { DatasetError } from './errors';
import { readContractHdf5 } from './hdf5Files';
import { isTikeLayout } from './tikeLayout';

/** Per-pattern keys, sliced with the patterns. */
const PER_PATTERN = ['xcoords', 'ycoords', 'xcoords_start', 'ycoords_start', 'scan_index'] as const;
/**
 * Read whole when opening: everything but the patterns, the ground-truth patches Y (as
 * large as the patterns) and the ground-truth object (as large as the reconstruction:
 * read only when asked for, by groundTruth()).
 */
const WHOLE_KEYS = DATASET_KEYS.filter(
  (key) => key !== 'diff3d' && key !== 'diffraction' && key !== 'Y' && key !== 'objectGuess',
);
/** Patterns read to learn the scan's N, probe and notes when opening. */
const FIRST_SLICE = 64;

/** Where a scan's patterns are in its file, and how a slice of them becomes a dataset. */
interface PatternSource {
  file: string;
  /** (M, H, W). */
  shape: number[];
  diffKey: string;
  /** Every key but the patterns and Y, read whole. */
  small: NpzContents;
  options: DatasetOptions;
  read(start: number, count: number): Promise<NumericArray>;
  close(): void;
}

export class ScanFile implements Disposable {
  private constructor(
    private readonly source: PatternSource,
    /** Patch centres of every pattern, in object pixels (after cropping, as the slices'). */
    readonly xcoords: Float64Array,
    readonly ycoords: Float64Array,
    /** The first patterns as a dataset: the probe, object, N and the file's notes. */
    readonly first: PtychoDataset,
  ) {}

  /**
   * Opens an NPZ whose `diff3d` (or `diffraction`) member is stored uncompressed
   * (numpy.savez; savez_compressed deflates and cannot be read in slices) with the
   * patterns first, (M, H, W) in C order; or an HDF5 file with the contract's keys as
   * root datasets (any chunking or compression: HDF5 reads slices itself).
   */
  static async open(file: string, options: DatasetOptions = {}): Promise<ScanFile> {
    const source = (await fileIsHdf5(file)) ? await hdf5Patterns(file, options) : await npzPatterns(file, options);
    try {
      const [M, H, W] = source.shape;
      const where = `${file}: key '${source.diffKey}'`;
      const x = positions(numeric(source.small, 'xcoords', file), `${file}: key 'xcoords'`);
      const y = positions(numeric(source.small, 'ycoords', file), `${file}: key 'ycoords'`);
      if (x.length !== M || y.length !== M) {
        throw new DatasetError(
          `${where} holds ${M} patterns but xcoords/ycoords hold ${x.length}/${y.length} positions; they must match`,
        );
      }
      const count = Math.min(M, FIRST_SLICE);
      const first = sliceDataset(source, 0, count, await source.read(0, count));
      // The slices' datasets divide positions by this when frames are cropped.
      const growth = objectPixelGrowth({ side: Math.min(H, W), cropTo: options.cropTo ?? H, bin: options.bin ?? 1 });
      const coarser = (values: Float64Array) => values.map((value) => value / growth);
      return new ScanFile(source, coarser(x), coarser(y), first);
    } catch (error) {
      source.close();
      throw error;
    }
  }

  get file(): string {
    return this.source.file;
  }

  get count(): number {
    return this.source.shape[0];
  }

  /** Side of the patterns the slices hold (after cropping and binning). */
  get N(): number {
    return patternSize(this.first);
  }

  /** Patterns [start, start + count) and their positions, as a dataset of their own. */
  async slice(start: number, count: number): Promise<PtychoDataset> {
    if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 1 || start + count > this.count) {
      throw new RangeError(`${this.file}: patterns [${start}, ${start + count}) are outside its ${this.count}`);
    }
    return sliceDataset(this.source, start, count, await this.source.read(start, count));
  }

  /**
   * The file's ground-truth object (`objectGuess`), complex64 (H, W), read now; undefined
   * when it has none, or when cropped frames image a coarser grid than it.
   */
  async groundTruth(): Promise<PtychoDataset['objectGuess']> {
    const { file, shape, options } = this.source;
    const contents = (await fileIsHdf5(file))
      ? await readContractHdf5(file, ['objectGuess'])
      : await readNpz(file, { keys: ['objectGuess'] });
    const array = contents.arrays.get('objectGuess');
    const growth = objectPixelGrowth({
      side: Math.min(shape[1], shape[2]),
      cropTo: options.cropTo ?? shape[1],
      bin: options.bin ?? 1,
    });
    if (!array || array.dtype === 'str' || growth !== 1) return undefined;
    return complexImage(array, `${file}: key 'objectGuess'`, undefined, this.N);
  }

  [Symbol.dispose](): void {
    this.source.close();
  }
}

// Each slice is converted as the first: an integer-valued slice of float amplitudes
// must not be taken for counts; and a slice of N patterns of N × N is patterns
// first, as the file is.
const sliceOptions = (options: DatasetOptions): DatasetOptions => ({
  ...options,
  inputKind: options.inputKind ?? 'amplitude',
  layout: 'MNN',
});

async function npzPatterns(file: string, options: DatasetOptions): Promise<PatternSource> {
  const small = await readNpz(file, { keys: WHOLE_KEYS });
  const zip = await ZipReader.open(file);
  try {
    if (isTikeLayout(small)) throw notStreamable(file, "it is in tike's layout (data, scan, probe)");
    const names = new Set(zip.entries.map((entry) => entry.fileName));
    const diffKey = names.has('diff3d.npy') || !names.has('diffraction.npy') ? 'diff3d' : 'diffraction';
    const entry = zip.entries.find((candidate) => candidate.fileName === `${diffKey}.npy`);
    if (!entry) throw new DatasetError(`${file} has no key 'diff3d' or 'diffraction' (the diffraction patterns)`);
    if (entry.compressionMethod !== 0) {
      throw notStreamable(file, `its '${diffKey}' is compressed (numpy.savez_compressed); re-save it with numpy.savez`);
    }
    const member = await zip.storedMember(entry);
    const where = `${file}: key '${diffKey}'`;
    const header = readNpyHeader(await member.read(0, Math.min(member.size, 65536)), where);
    if (!header) throw new DatasetError(`${where} has no complete .npy header`);
    if (header.shape.length !== 3 || header.fortranOrder || npyItemSize(header.descr) === undefined) {
      throw notStreamable(
        file,
        `its '${diffKey}' is ${header.descr} of shape (${header.shape.join(', ')})${header.fortranOrder ? ' in Fortran order' : ''}; ` +
          'slices need numeric patterns first, (M, H, W) in C order',
      );
    }
    return {
      file,
      shape: header.shape,
      diffKey,
      small,
      options: sliceOptions(options),
      read: (start, count) => readNpyRows(member, header, start, count, where),
      close: () => zip.close(),
    };
  } catch (error) {
    zip.close();
    throw error;
  }
}

async function readNpyRows(
  member: StoredMember,
  header: NpyHeader,
  start: number,
  count: number,
  where: string,
): Promise<NumericArray> {
  const [, H, W] = header.shape;
  const frame = H * W * npyItemSize(header.descr)!;
  const bytes = await member.read(header.dataOffset + start * frame, count * frame);
  const sliced = { ...header, shape: [count, H, W], dataOffset: 0 };
  return decodeNpyData(sliced, bytes.buffer as ArrayBuffer, where) as NumericArray;
}

async function hdf5Patterns(file: string, options: DatasetOptions): Promise<PatternSource> {
  const small = await readContractHdf5(file, WHOLE_KEYS);
  const h5 = await openHdf5(file);
  try {
    const keys = new Set(h5.keys());
    const diffKey = keys.has('diff3d') || !keys.has('diffraction') ? 'diff3d' : 'diffraction';
    const shape = checkedDataset(h5, diffKey, 3).shape!;
    return {
      file,
      shape,
      diffKey,
      small,
      options: sliceOptions(options),
      read: async (start, count) => readRows(h5, diffKey, start, count),
      close: () => h5.close(),
    };
  } catch (error) {
    h5.close();
    throw error;
  }
}

function sliceDataset(source: PatternSource, start: number, count: number, patterns: NumericArray): PtychoDataset {
  const M = source.shape[0];
  const arrays = new Map(source.small.arrays);
  for (const key of PER_PATTERN) {
    const array = arrays.get(key) as NumericArray | undefined;
    if (array && array.shape.length === 1 && array.shape[0] === M) {
      arrays.set(key, { ...array, shape: [count], data: array.data.subarray(start, start + count) } as NumericArray);
    }
  }
  arrays.set(source.diffKey, patterns);
  const dataset = datasetFromArrays({ file: source.file, arrays, skipped: source.small.skipped }, source.options);
  // The file's notes are the first slice's.
  if (start > 0) dataset.notes = [];
  return dataset;
}

function numeric(contents: NpzContents, key: string, file: string): NumericArray {
  const array = contents.arrays.get(key);
  if (!array || array.dtype === 'str') {
    throw new DatasetError(`${file} has no numeric key '${key}' (the ${key[0]} positions of the patterns, (M,))`);
  }
  return array;
}

function notStreamable(file: string, why: string): DatasetError {
  return new DatasetError(
    `${file} cannot be read a slice at a time: ${why}. Load it whole instead (CLI: drop --stream)`,
  );
}
