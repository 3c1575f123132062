// Turns a stored diffraction array into float32 amplitudes (M, N, N): layout, what the
// numbers are (amplitude, intensity, counts), detector crop and binning, bad pixels,
// all in one pass so that a large file is converted without intermediate copies.
import { describeShape, isComplex, type NumericArray } from '../io/ndarray';
import type { JsTensor } from '../native/binding';
import type { InputKind } from './dataset';
import { DatasetError } from './errors';

export interface DiffractionOptions {
  inputKind?: InputKind;
  /** Centre-crop detector frames to cropTo × cropTo before binning. */
  cropTo?: number;
  /** Sum bin × bin blocks of intensity into one pixel. */
  bin?: number;
  /** Which axis holds the patterns when the shape alone cannot tell (M = N). */
  layout?: 'MNN' | 'NNM';
}

export interface Diffraction {
  amplitude: JsTensor;
  /** Bad-pixel mask of the output frames, 1 = bad. */
  badPixels?: Uint8Array;
  /** Mean Σ counts per pattern, when the input is counts. */
  measuredPhotons?: number;
  /** The detector frames as stored (side) and what was done to them. */
  frames: { side: number; cropTo: number; bin: number };
  notes: string[];
}

const KIND_FLAG = "pass inputKind: 'counts' (photon counts), 'intensity' or 'amplitude' (CLI --input-kind)";

/** Source frame geometry: element (m, i, j) is at m·sm + i·si + j·sj. */
interface Layout {
  M: number;
  H: number;
  W: number;
  sm: number;
  si: number;
  sj: number;
}

export function readDiffraction(
  array: NumericArray,
  where: string,
  positions: number,
  options: DiffractionOptions,
  mask?: { data: Uint8Array; shape: number[]; where: string },
): Diffraction {
  if (isComplex(array.dtype)) {
    throw new DatasetError(`${where} is complex (${array.dtype}); diffraction must be real amplitudes or intensities`);
  }
  const notes: string[] = [];
  const layout = frameLayout(array.shape, where, positions, options.layout, notes);
  const values = array.data as ArrayLike<number | bigint>;
  const stats = scan(values, layout, where);
  if (!stats.anyNonZero) {
    throw new DatasetError(
      `${where} holds only zeros: every pattern is blank, so there is nothing to reconstruct (nor a scale to normalise by)`,
    );
  }
  const kind = options.inputKind ?? inferKind(array.dtype, stats.allIntegers, where);
  if (stats.firstNegative !== undefined && kind !== 'intensity') {
    const [m, i, j] = locate(stats.firstNegative, layout);
    throw new DatasetError(
      `${where} has a negative value at pattern ${m}, pixel (${i}, ${j}); ${kind} cannot be negative`,
    );
  }
  if (stats.firstNegative !== undefined) notes.push(`${where}: negative intensities were clamped to 0`);
  if (kind !== 'amplitude') notes.push(`${where}: converted ${kind} to amplitudes (square root)`);

  const { cropTo, bin, N } = outputGeometry(layout, options, where);
  const badSource = mask ? checkMask(mask, layout) : undefined;
  const r0 = Math.floor(layout.H / 2) - cropTo / 2;
  const c0 = Math.floor(layout.W / 2) - cropTo / 2;
  if (cropTo !== layout.H || cropTo !== layout.W) {
    notes.push(`${where}: frames ${layout.H}×${layout.W} centre-cropped to ${cropTo}×${cropTo}`);
  }
  if (bin > 1) notes.push(`${where}: ${bin}×${bin} pixel blocks binned (intensities summed)`);

  const badPixels = badSource ? binMask(badSource, layout.W, r0, c0, bin, N) : undefined;
  const identity = kind === 'amplitude' && bin === 1 && cropTo === layout.H && cropTo === layout.W;
  let out: Float32Array;
  if (identity && layout.sm === N * N && array.data instanceof Float32Array) {
    out = array.data;
  } else {
    out = new Float32Array(layout.M * N * N);
    const squared = kind === 'amplitude';
    for (let m = 0; m < layout.M; m += 1) {
      for (let r = 0; r < N; r += 1) {
        for (let c = 0; c < N; c += 1) {
          let sum = 0;
          for (let u = 0; u < bin; u += 1) {
            const base = m * layout.sm + (r0 + r * bin + u) * layout.si + (c0 + c * bin) * layout.sj;
            for (let v = 0; v < bin; v += 1) {
              const value = Number(values[base + v * layout.sj]);
              sum += squared ? (identity ? value : value * value) : Math.max(value, 0);
            }
          }
          out[(m * N + r) * N + c] = identity ? sum : Math.sqrt(sum);
        }
      }
    }
  }
  if (badPixels) {
    const bad = badPixels.reduce((count, flag) => count + flag, 0);
    notes.push(`${mask!.where}: ${bad} bad pixel(s) are zeroed and excluded from the loss`);
    for (let m = 0; m < layout.M; m += 1) {
      for (let p = 0; p < N * N; p += 1) if (badPixels[p]) out[m * N * N + p] = 0;
    }
  }
  const amplitude: JsTensor = { dtype: 'float32', shape: [layout.M, N, N], data: out };
  return {
    amplitude,
    badPixels,
    measuredPhotons: kind === 'counts' ? meanPhotons(out, N) : undefined,
    frames: { side: Math.min(layout.H, layout.W), cropTo, bin },
    notes,
  };
}

function frameLayout(
  shape: number[],
  where: string,
  positions: number,
  layout: DiffractionOptions['layout'],
  notes: string[],
): Layout {
  if (shape.length !== 3) {
    throw new DatasetError(
      `${where} has shape ${describeShape(shape)}; expected (M, N, N) with M = ${positions} patterns (one per position)`,
    );
  }
  const [a, b, c] = shape;
  const first = a === positions;
  const last = c === positions && a === b;
  if (first && last && layout === undefined) {
    throw new DatasetError(
      `${where} has shape ${describeShape(shape)} and there are ${positions} positions, so the pattern axis ` +
        "is ambiguous; pass layout: 'MNN' (patterns first) or 'NNM' (legacy, patterns last)",
    );
  }
  if ((first && layout !== 'NNM') || layout === 'MNN') {
    if (!first) throw mismatch(shape, where, positions);
    return { M: a, H: b, W: c, sm: b * c, si: c, sj: 1 };
  }
  if (!last) throw mismatch(shape, where, positions);
  notes.push(`${where}: legacy layout (N, N, M) = ${describeShape(shape)} transposed to (M, N, N)`);
  return { M: c, H: a, W: b, sm: 1, si: b * c, sj: c };
}

function mismatch(shape: number[], where: string, positions: number): DatasetError {
  return new DatasetError(
    `${where} has shape ${describeShape(shape)} but xcoords/ycoords hold ${positions} positions; ` +
      `expected (${positions}, N, N) or the legacy (N, N, ${positions})`,
  );
}

interface Stats {
  allIntegers: boolean;
  anyNonZero: boolean;
  firstNegative?: number;
}

function scan(values: ArrayLike<number | bigint>, layout: Layout, where: string): Stats {
  let allIntegers = true;
  let anyNonZero = false;
  let firstNegative: number | undefined;
  const bigint = typeof values[0] === 'bigint';
  for (let k = 0; k < values.length; k += 1) {
    const value = bigint ? Number(values[k]) : (values[k] as number);
    if (!Number.isFinite(value)) {
      const [m, i, j] = locate(k, layout);
      throw new DatasetError(
        `${where} holds ${value} at pattern ${m}, pixel (${i}, ${j}); remove or repair non-finite values`,
      );
    }
    if (allIntegers && !Number.isInteger(value)) allIntegers = false;
    if (value !== 0) anyNonZero = true;
    if (value < 0 && firstNegative === undefined) firstNegative = k;
  }
  return { allIntegers, anyNonZero, firstNegative };
}

function inferKind(dtype: NumericArray['dtype'], allIntegers: boolean, where: string): InputKind {
  if (!dtype.startsWith('float')) {
    throw new DatasetError(
      `${where} has integer dtype ${dtype}, so it holds counts or intensities, not amplitudes; ${KIND_FLAG}`,
    );
  }
  if (allIntegers) {
    throw new DatasetError(
      `${where} looks like intensities or counts (all values integer-valued), not amplitudes; ${KIND_FLAG}`,
    );
  }
  return 'amplitude';
}

/** (m, i, j) of flat element k of the source. */
function locate(k: number, layout: Layout): [number, number, number] {
  const strides = [
    [layout.sm, 0],
    [layout.si, 1],
    [layout.sj, 2],
  ].sort((p, q) => q[0] - p[0]);
  const index: [number, number, number] = [0, 0, 0];
  let rest = k;
  for (const [stride, axis] of strides) {
    index[axis] = Math.floor(rest / stride);
    rest %= stride;
  }
  return index;
}

function outputGeometry(layout: Layout, options: DiffractionOptions, where: string) {
  const bin = options.bin ?? 1;
  if (!Number.isInteger(bin) || bin < 1) throw new DatasetError(`bin must be a positive integer, got ${bin}`);
  const cropTo = options.cropTo ?? layout.H;
  if (options.cropTo === undefined && layout.H !== layout.W) {
    throw new DatasetError(
      `${where}: patterns are not square (${layout.H}×${layout.W}); centre-crop them with cropTo ` +
        `(CLI --crop-to), e.g. ${largestPowerOfTwo(Math.min(layout.H, layout.W))}`,
    );
  }
  if (!Number.isInteger(cropTo) || cropTo < 1 || cropTo > Math.min(layout.H, layout.W)) {
    throw new DatasetError(
      `cropTo ${cropTo} does not fit ${where}'s ${layout.H}×${layout.W} frames; use a size up to ${Math.min(layout.H, layout.W)}`,
    );
  }
  if (cropTo % bin !== 0) {
    throw new DatasetError(
      `bin ${bin} does not divide the ${cropTo}-pixel frames of ${where}; crop to a multiple of ${bin}`,
    );
  }
  const N = cropTo / bin;
  if (N < 32 || (N & (N - 1)) !== 0) {
    const suggestion = largestPowerOfTwo(cropTo);
    throw new DatasetError(
      `${where}: patterns would be ${N}×${N}, but N must be a power of two of at least 32; ` +
        (suggestion >= 32 * bin
          ? `pass cropTo: ${suggestion} (CLI --crop-to ${suggestion})`
          : 'the frames are too small'),
    );
  }
  return { cropTo, bin, N };
}

function largestPowerOfTwo(size: number): number {
  return 2 ** Math.floor(Math.log2(size));
}

function checkMask(mask: { data: Uint8Array; shape: number[]; where: string }, layout: Layout): Uint8Array {
  if (mask.shape.length !== 2 || mask.shape[0] !== layout.H || mask.shape[1] !== layout.W) {
    throw new DatasetError(
      `${mask.where} has shape ${describeShape(mask.shape)}; it must match the detector frames (${layout.H}, ${layout.W})`,
    );
  }
  return mask.data;
}

/** A binned pixel is bad when any detector pixel in its block is. */
function binMask(source: Uint8Array, W: number, r0: number, c0: number, bin: number, N: number): Uint8Array {
  const out = new Uint8Array(N * N);
  for (let r = 0; r < N; r += 1) {
    for (let c = 0; c < N; c += 1) {
      for (let u = 0; u < bin; u += 1) {
        for (let v = 0; v < bin; v += 1) {
          if (source[(r0 + r * bin + u) * W + c0 + c * bin + v]) out[r * N + c] = 1;
        }
      }
    }
  }
  return out;
}

function meanPhotons(amplitude: Float32Array, N: number): number {
  let total = 0;
  for (let k = 0; k < amplitude.length; k += 1) total += amplitude[k] * amplitude[k];
  return total / (amplitude.length / (N * N));
}
