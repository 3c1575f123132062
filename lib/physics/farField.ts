import { addon } from '../native';
import type { JsTensor } from '../native/binding';

/** fftshift(fft2(psi, norm='ortho')) over the last two dimensions; psi complex. */
export function farField(psi: JsTensor): JsTensor {
  return addon().binding.farField(psi);
}

/**
 * |fftshift(fft2(probe · O, ortho))| for object patches (M, N, N) complex64 and a
 * probe (N, N) complex64: noise-free diffraction amplitudes, float32 (M, N, N).
 */
export function diffractionAmplitude(objectPatches: JsTensor, probe: JsTensor): JsTensor {
  if (objectPatches.shape.length !== 3) {
    throw new TypeError(`objectPatches: expected shape (M, N, N), got [${objectPatches.shape.join(', ')}]`);
  }
  const [M, N, N2] = objectPatches.shape;
  const patches = { ...objectPatches, shape: [M, 1, N, N2] };
  const positions: JsTensor = { dtype: 'float64', shape: [M, 1, 2], data: new Float64Array(M * 2) };
  const intensity = addon().binding.forwardIntensity(patches, positions, probe, 1);
  const amplitude = intensity.data.map(Math.sqrt);
  return { dtype: intensity.dtype, shape: [M, N, N2], data: amplitude };
}
