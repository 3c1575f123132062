// The dataset contract of the reference, section 7, as it is held in memory.
import type { JsTensor } from '../native/binding';

/** What the numbers in the diffraction array are. */
export type InputKind = 'amplitude' | 'intensity' | 'counts';

export interface PtychoDataset {
  /** Amplitudes, float32 (M, N, N), DC at the centre. */
  diffraction: JsTensor;
  /** complex64 (N, N). */
  probeGuess: JsTensor;
  /** Patch centres in object pixels, x along columns (M,). */
  xcoords: Float64Array;
  ycoords: Float64Array;
  xcoordsStart?: Float64Array;
  ycoordsStart?: Float64Array;
  /** complex64 (H, W). */
  objectGuess?: JsTensor;
  /** Ground-truth object patches, complex64 (M, N, N) (PtychoPINN's `Y`). */
  Y?: JsTensor;
  scanIndex?: Int32Array;
  /** (N·N) row-major, 1 = bad pixel (excluded from the loss), 0 = good. */
  badPixels?: Uint8Array;
  /**
   * Mean photons per pattern: given explicitly, stored in the file (`nphotons`), or
   * measured from counts. Undefined for amplitudes of unknown scale.
   */
  nphotons?: number;
  /** What was converted, skipped or assumed while reading, for the user to see. */
  notes: string[];
}

export function patternCount(dataset: PtychoDataset): number {
  return dataset.diffraction.shape[0];
}

export function patternSize(dataset: PtychoDataset): number {
  return dataset.diffraction.shape[1];
}

/** The loss mask the native trainer takes: float32 (N, N), 1 = good pixel, 0 = bad. */
export function goodPixelMask(dataset: PtychoDataset): JsTensor | undefined {
  if (!dataset.badPixels) return undefined;
  const N = patternSize(dataset);
  const data = new Float32Array(N * N);
  for (let i = 0; i < data.length; i += 1) data[i] = dataset.badPixels[i] ? 0 : 1;
  return { dtype: 'float32', shape: [N, N], data };
}
