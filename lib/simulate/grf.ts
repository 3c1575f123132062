// A Gaussian random field with a power-law spectrum P(k) ∝ |k|^−β (white noise
// filtered in Fourier space), scaled onto [0, 1] as the amplitude; phase zero, like
// PtychoPINN's `grf` object. β = 3 by default (ours: PtychoPINN uses a near-white
// spectrum smoothed afterwards).
import type { JsTensor } from '../native/binding';
import type { Rng } from '../random/rng';
import { fromAmplitudePhase, rescaleUnit } from './complexImage';
import { orthoFft2 } from '../physics/fourier';

export function grfObject(size: number, rng: Rng, beta = 3): JsTensor {
  if (size % 2 !== 0) throw new RangeError(`grf object size must be even, got ${size}`);
  const spectrum = new Float32Array(2 * size * size);
  for (let i = 0; i < size; i += 1) {
    const ky = i < size / 2 ? i : i - size;
    for (let j = 0; j < size; j += 1) {
      const kx = j < size / 2 ? j : j - size;
      const k = Math.hypot(kx, ky);
      const gain = k === 0 ? 0 : k ** (-beta / 2);
      spectrum[2 * (i * size + j)] = gain * rng.normal();
      spectrum[2 * (i * size + j) + 1] = gain * rng.normal();
    }
  }
  // Any unitary transform of filtered white noise is the same random field.
  const field = orthoFft2({ dtype: 'complex64', shape: [size, size], data: spectrum }).data;
  const real = new Float64Array(size * size).map((_, k) => field[2 * k]);
  return fromAmplitudePhase(rescaleUnit(real), undefined, size, size);
}
