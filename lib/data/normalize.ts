// Dataset scaling of the reference, section 5. The probe normalisation and the
// intensity scale are computed natively (lib/physics) and re-exported here so that
// all of section 5 is found in one place.
import type { JsTensor } from '../native/binding';
import { DatasetError } from './errors';

export { intensityScale, normalizeProbe } from '../physics';

/** The factor f for which the mean over patterns of Σ_pixels (f·X)² is (N/2)². */
export function diffractionScaleFactor(diffraction: JsTensor): number {
  const [M, N] = diffraction.shape;
  const total = sumOfSquares(diffraction.data);
  if (!(total > 0)) {
    throw new DatasetError(`diffraction (${diffraction.shape.join(', ')}) is all zeros; it cannot be normalised`);
  }
  return scaleFactorFromSum(total, M, N);
}

/** Σ x² in float64, as diffractionScaleFactor sums. */
export function sumOfSquares(values: ArrayLike<number>): number {
  let total = 0;
  for (let k = 0; k < values.length; k += 1) total += values[k] * values[k];
  return total;
}

/** diffractionScaleFactor from Σ X² over M patterns of N × N (for data read in parts). */
export function scaleFactorFromSum(total: number, M: number, N: number): number {
  return N / 2 / Math.sqrt(total / M);
}

/** X scaled so that the mean over patterns of Σ X² is (N/2)², and the factor used. */
export function normalizeDiffraction(diffraction: JsTensor): { normalized: JsTensor; factor: number } {
  const factor = diffractionScaleFactor(diffraction);
  const data = new Float32Array(diffraction.data.length);
  for (let k = 0; k < data.length; k += 1) data[k] = diffraction.data[k] * factor;
  return { normalized: { dtype: 'float32', shape: [...diffraction.shape], data }, factor };
}
